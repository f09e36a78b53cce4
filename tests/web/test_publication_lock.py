"""公示: publishing a successful scoring run locks the period for every normal write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.access import period_is_writable
from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.actions.verification import (
    do_accept_record,
    do_adjust_record,
    do_correct_record,
    do_return_record,
)
from kaoping.web.models import AuditEntry, Period, Publication, Record
from webhelpers import confirmed_publish_form, publish_confirmed


@pytest.fixture
def scored(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15")
    w.r2 = w.time_task(w.world.b2, "2026-01-18")
    w.run = do_run_scoring(w.world.bob, w.jan)
    return w


def test_publish_from_the_run_page(scored, login):
    w = scored
    c = login(w.world.bob)
    page = c.get(reverse("scoring_run", args=[w.run.pk])).content.decode()
    assert "1.00" in page and "0.70" in page and "公示1月结果" in page
    resp = c.post(reverse("scoring_publish", args=[w.run.pk]), confirmed_publish_form(w.jan))
    assert resp.status_code == 302
    pub = Publication.objects.get(period=w.jan)
    assert (pub.revision, pub.scoring_run, pub.by) == (1, w.run, w.world.bob)
    w.jan.refresh_from_db()
    assert w.jan.state == Period.State.PUBLISHED and not period_is_writable(w.jan)
    assert period_is_writable(w.feb)
    row = AuditEntry.objects.get(action="publication.publish")
    assert row.after["revision"] == 1 and row.after["state"] == "published"
    # publishing again is refused: after publication only a revision with a reason
    resp = c.post(reverse("scoring_publish", args=[w.run.pk]))
    assert resp.status_code == 400
    assert Publication.objects.filter(period=w.jan).count() == 1


def test_locked_period_refuses_normal_writes(scored):
    w = scored
    publish_confirmed(w.world.bob, w.run)
    for act in (lambda r: do_accept_record(w.world.bob, r),
                lambda r: do_return_record(w.world.bob, r, "x"),
                lambda r: do_adjust_record(w.world.bob, r, "完成日期", "2026-01-16", "x")):
        with pytest.raises(ActionError, match="已锁定"):
            act(w.r1)
    w.r1.refresh_from_db()
    assert w.r1.status == Record.Status.SUBMITTED and w.r1.data["完成日期"] == "2026-01-15"


def test_locked_record_page_offers_correction_only(scored, login):
    w = scored
    publish_confirmed(w.world.bob, w.run)
    c = login(w.world.bob)
    page = c.get(reverse("verify_record", args=[w.r1.pk])).content.decode()
    assert "公示后更正" in page and "核查通过" not in page
    resp = c.post(reverse("verify_accept", args=[w.r1.pk]))
    assert resp.status_code == 400 and "已锁定" in resp.content.decode()


def test_correction_is_only_for_locked_periods_and_needs_a_reason(scored):
    w = scored
    with pytest.raises(ActionError, match="尚未公示"):
        do_correct_record(w.world.bob, w.r1, {"完成日期": "2026-01-16"}, "x")
    publish_confirmed(w.world.bob, w.run)
    with pytest.raises(ActionError, match="须填写理由"):
        do_correct_record(w.world.bob, w.r1, {"完成日期": "2026-01-16"}, " ")
    with pytest.raises(ActionError, match="只有考核管理员"):
        do_correct_record(w.world.frank, w.r1, {"完成日期": "2026-01-16"}, "x")


def test_a_run_with_problems_cannot_be_published(scheme_a_assessment):
    w = scheme_a_assessment
    w.record(w.world.b1, "时间任务", {"考核项目": "无此项"})
    run = do_run_scoring(w.world.bob, w.jan)
    with pytest.raises(ActionError, match="数据问题"):
        publish_confirmed(w.world.bob, run)
    w.jan.refresh_from_db()
    assert not w.jan.locked


def test_a_stale_run_cannot_be_published(scored):
    w = scored
    do_return_record(w.world.bob, w.r2, "佐证缺失")  # after the run
    with pytest.raises(ActionError, match="重新评分"):
        publish_confirmed(w.world.bob, w.run)
    publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))


def test_only_assessors_run_and_publish(scored):
    w = scored
    with pytest.raises(ActionError):
        do_run_scoring(w.world.frank, w.jan)
    with pytest.raises(ActionError):
        publish_confirmed(w.world.carol, w.run)


def test_reporting_actions_refuse_a_published_period(scored):
    """The record actions of reporting ask ``period_is_writable`` before every write."""
    from kaoping.web.actions import records

    w = scored
    draft = w.time_task(w.world.b1, "2026-01-15", name="草稿", status=Record.Status.DRAFT,
                        by=w.world.carol)
    publish_confirmed(w.world.bob, w.run)
    w.jan.refresh_from_db()
    with pytest.raises(ActionError):
        records.do_save_record(w.world.carol, assessment=w.a, period=w.jan, kind="时间任务",
                               unit=w.world.b1, scheme_period=1,
                               values={"考核项目": "3", "业务名称": "迟到的记录",
                                       "截止日期": "2026-01-15", "完成日期": "2026-01-15"})
    with pytest.raises(ActionError):
        records.do_submit_record(w.world.carol, draft)
    draft.refresh_from_db()
    assert draft.status == Record.Status.DRAFT
    assert Record.objects.filter(period=w.jan).count() == 3
