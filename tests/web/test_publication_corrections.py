"""Records added or withdrawn after publication (公示后补录、撤销): only the 考核管理员, only
with a reason, checked by the engine, audited with before and after; a new revision is scored
and published, and the earlier revisions stay as they were.

Scheme A, January, two branches: 一支部's 时间任务 on 记录规范及档案整理情况 done on time
(1.00), 二支部's three days late (1 − 0.1 × 3 = 0.70). Revision 1: 一支部 1.00, 二支部 0.70.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpers import run_scores
from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish_revision, do_run_scoring
from kaoping.web.actions.verification import (
    do_add_record_after_publication,
    do_correct_record,
    do_withdraw_record,
)
from kaoping.web.models import AuditEntry, Publication, Record
from webhelpers import publish_confirmed

DEDUCTION = {"类型": "督办", "扣分": "0.03", "事由": "档案整理超期，专题通报"}


@pytest.fixture
def published(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15")
    w.r2 = w.time_task(w.world.b2, "2026-01-18")
    w.pub1 = publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    return w


def scores(pub) -> dict[str, float]:
    return run_scores(pub)


def revise(w, reason):
    return do_publish_revision(w.world.bob, w.jan, do_run_scoring(w.world.bob, w.jan), reason)


def test_a_deduction_found_late_is_added_and_published_as_revision_2(published, login):
    w = published
    assert scores(w.pub1) == {"一支部": 1.0, "二支部": 0.7}
    c = login(w.world.bob)
    url = reverse("correction_add", args=[w.jan.pk]) + "?kind=月度扣分"
    form = c.get(url).content.decode()
    assert "补录理由" in form and "扣分" in form
    payload = {"kind": "月度扣分", "unit": str(w.world.b1.pk), "scheme_period": "1", **DEDUCTION}
    r = c.post(url, {**payload, "reason": ""})
    assert r.status_code == 400 and "补录须填写理由" in r.content.decode()
    assert not Record.objects.filter(kind="月度扣分").exists()
    r = c.post(url, {**payload, "reason": "督办通知漏录"})
    assert r.status_code == 302 and r["Location"] == reverse("corrections", args=[w.jan.pk])
    added = Record.objects.get(kind="月度扣分")
    assert (added.status, added.late, added.unit, added.period) == (
        Record.Status.ACCEPTED, False, w.world.b1, w.jan)
    assert added.data == {"类型": "督办", "扣分": 0.03, "事由": "档案整理超期，专题通报"}
    row = AuditEntry.objects.get(action="record.correct_add")
    assert (row.before, row.reason, row.actor) == (None, "督办通知漏录", w.world.bob)
    assert row.after["data"] == added.data and row.after["status"] == "accepted"

    # the published revision does not move until a new one is scored and published
    with pytest.raises(ActionError, match="重新评分"):
        do_publish_revision(w.world.bob, w.jan, w.pub1.scoring_run, "x")
    pub2 = revise(w, "补录督办扣分")
    assert pub2.revision == 2
    assert scores(pub2) == {"一支部": 0.97, "二支部": 0.7}       # 1 − 0.03
    w.pub1.refresh_from_db()
    assert scores(w.pub1) == {"一支部": 1.0, "二支部": 0.7}      # revision 1 as it was
    results = reverse("period_results", args=[w.jan.pk])
    assert "0.97" in c.get(results).content.decode()
    assert "0.97" not in c.get(results, {"revision": 1}).content.decode()
    history = c.get(reverse("record_history", args=[added.pk])).content.decode()
    assert "公示后补录" in history and "督办通知漏录" in history


def test_a_wrong_record_is_withdrawn_kept_and_no_longer_scored(published, login):
    w = published
    c = login(w.world.bob)
    url = reverse("record_withdraw", args=[w.r2.pk])
    assert "撤销理由" in c.get(url).content.decode()
    r = c.post(url, {"reason": "  "})
    assert r.status_code == 400 and "撤销须填写理由" in r.content.decode()
    assert c.post(url, {"reason": "重复统计的任务"}).status_code == 302
    w.r2.refresh_from_db()
    assert w.r2.status == Record.Status.WITHDRAWN
    assert w.r2.data["完成日期"] == "2026-01-18"                   # kept as it was
    row = AuditEntry.objects.get(action="record.correct_withdraw")
    assert (row.before["status"], row.after["status"], row.reason) == (
        "submitted", "withdrawn", "重复统计的任务")
    assert row.before["data"] == row.after["data"] == w.r2.data

    pub2 = revise(w, "撤销重复统计的任务")
    # 二支部 has no 时间任务 left: its item scores 0 against 一支部's 1
    assert scores(pub2) == {"一支部": 1.0, "二支部": 0.0}
    w.pub1.refresh_from_db()
    assert scores(w.pub1) == {"一支部": 1.0, "二支部": 0.7}
    # still readable: the verification page says withdrawn and offers nothing to change
    page = c.get(reverse("verify_record", args=[w.r2.pk])).content.decode()
    assert "已撤销" in page and reverse("record_correct", args=[w.r2.pk]) not in page
    history = c.get(reverse("record_history", args=[w.r2.pk])).content.decode()
    assert "公示后撤销" in history and "重复统计的任务" in history
    r = c.post(url, {"reason": "再撤一次"})
    assert r.status_code == 400 and "已经撤销" in r.content.decode()
    with pytest.raises(ActionError, match="已撤销"):
        do_correct_record(w.world.bob, w.r2, {"完成日期": "2026-01-15"}, "x")


def test_a_withdrawn_records_key_is_free_for_the_corrected_one(published):
    w = published
    do_withdraw_record(w.world.bob, w.r2, "完成日期登记错误")
    values = {"考核项目": "记录规范及档案整理情况", "业务名称": "1月档案整理归档",
              "截止日期": "2026-01-15", "完成日期": "2026-01-16"}
    fixed = do_add_record_after_publication(
        w.world.bob, assessment=w.a, period=w.jan, kind="时间任务", unit=w.world.b2,
        scheme_period=1, values=values, reason="按核实的完成日期重录")
    assert fixed.pk != w.r2.pk
    assert scores(revise(w, "二支部完成日期更正")) == {"一支部": 1.0, "二支部": 0.9}  # 1 day late


def test_the_engine_checks_an_added_record(published, login):
    w = published
    c = login(w.world.bob)
    url = reverse("correction_add", args=[w.jan.pk]) + "?kind=时间任务"
    same = {"kind": "时间任务", "unit": str(w.world.b1.pk), "scheme_period": "1",
            "考核项目": "记录规范及档案整理情况", "业务名称": "1月档案整理归档",
            "截止日期": "2026-01-15", "完成日期": "2026-01-15", "reason": "漏录"}
    r = c.post(url, same)
    assert r.status_code == 400
    assert any("重复" in p for p in r.context["form"].general_problems)
    url = reverse("correction_add", args=[w.jan.pk]) + "?kind=月度扣分"
    r = c.post(url, {"kind": "月度扣分", "unit": str(w.world.b1.pk), "scheme_period": "1",
                     **DEDUCTION, "扣分": "0.09", "reason": "漏录"})
    assert r.status_code == 400 and "0.05" in str(r.context["form"].errors["扣分"])
    assert Record.objects.count() == 2
    assert not AuditEntry.objects.filter(action="record.correct_add").exists()


def test_a_draft_never_submitted_is_deleted_with_its_audit_row(published):
    w = published
    draft = w.record(w.world.b1, "质量成果", {"成果名称": "草稿"}, status=Record.Status.DRAFT)
    assert do_withdraw_record(w.world.bob, draft, "无效草稿") is None
    assert not Record.objects.filter(pk=draft.pk).exists()
    row = AuditEntry.objects.get(action="record.correct_delete")
    assert row.before["data"] == {"成果名称": "草稿"} and row.reason == "无效草稿"


def test_only_a_published_period_takes_corrections(published):
    w = published
    feb = w.time_task(w.world.b1, "2026-02-01", name="2月", period=w.feb)
    with pytest.raises(ActionError, match="尚未公示"):
        do_withdraw_record(w.world.bob, feb, "x")
    with pytest.raises(ActionError, match="尚未公示"):
        do_add_record_after_publication(
            w.world.bob, assessment=w.a, period=w.feb, kind="月度扣分", unit=w.world.b1,
            scheme_period=2, values=DEDUCTION, reason="x")
    with pytest.raises(ActionError, match="期次须在本期之内"):
        do_add_record_after_publication(
            w.world.bob, assessment=w.a, period=w.jan, kind="月度扣分", unit=w.world.b1,
            scheme_period=2, values=DEDUCTION, reason="x")
    with pytest.raises(ActionError, match="不是本考核的被考核单位"):
        do_add_record_after_publication(
            w.world.bob, assessment=w.a, period=w.jan, kind="月度扣分",
            unit=w.world.other_branch, scheme_period=1, values=DEDUCTION, reason="x")
    assert Publication.objects.count() == 1


def test_reporters_cannot_add_or_withdraw_by_action(published):
    w = published
    with pytest.raises(ActionError, match="只有考核管理员"):
        do_withdraw_record(w.world.carol, w.r1, "x")
    with pytest.raises(ActionError, match="只有考核管理员"):
        do_add_record_after_publication(
            w.world.carol, assessment=w.a, period=w.jan, kind="质量成果", unit=w.world.b1,
            scheme_period=1, values={"考核项目": "1", "成果名称": "x", "层级": "省"}, reason="x")
    w.r1.refresh_from_db()
    assert w.r1.status == Record.Status.SUBMITTED and Record.objects.count() == 2
