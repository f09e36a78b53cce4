"""公示前的未完事项: publishing a month shows what is still open and needs the assessor's
confirmation of exactly those counts; the audit keeps what was confirmed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish, do_run_scoring
from kaoping.web.actions.verification import do_accept_record, do_return_record
from kaoping.web.models import AuditEntry, Period, Publication
from kaoping.web.services.open_items import open_items


@pytest.fixture
def w(scheme_a_assessment):
    """一支部 reported two 时间任务 in January: one checked (核查通过), one still unchecked;
    二支部 reported one, which the assessor returned (退回)."""
    w = scheme_a_assessment
    w.checked = w.time_task(w.world.b1, "2026-01-15")
    w.unchecked = w.time_task(w.world.b1, "2026-01-14", name="1月学习记录整理")
    do_accept_record(w.world.bob, w.checked)
    w.returned = w.time_task(w.world.b2, "2026-01-18")
    do_return_record(w.world.bob, w.returned, "佐证材料不清晰")
    w.run = do_run_scoring(w.world.bob, w.jan)
    return w


def test_open_items_count_the_months_records(w):
    # 一支部: 1 accepted + 1 submitted → 1 unchecked; 二支部: its only record returned →
    # 1 returned, and no submitted or accepted record left → 二支部 has no data
    items = open_items(w.jan)
    assert (items.unchecked, items.returned, items.silent_units) == (1, 1, ("二支部",))
    assert items.summary() == ("1 条记录未核查、1 条记录退回后未重新提交、"
                               "1 个单位没有数据（二支部）")
    # February has no records at all: nothing to check, both branches silent
    assert open_items(w.feb).counts == (0, 0, 2)


def test_publishing_without_confirmation_is_refused_and_nothing_changes(w):
    with pytest.raises(ActionError) as exc:
        do_publish(w.world.bob, w.run)
    assert "1 条记录未核查" in exc.value.message
    w.jan.refresh_from_db()
    assert w.jan.state == Period.State.OPEN and not Publication.objects.exists()


def test_counts_that_changed_since_the_form_are_refused(w):
    seen = open_items(w.jan).counts  # (1, 1, 1)
    do_accept_record(w.world.bob, w.unchecked)  # now (0, 1, 1): the form is out of date
    run = do_run_scoring(w.world.bob, w.jan)
    with pytest.raises(ActionError):
        do_publish(w.world.bob, run, confirmed=seen)
    pub = do_publish(w.world.bob, run, confirmed=(0, 1, 1))
    row = AuditEntry.objects.get(action="publication.publish")
    assert row.after["confirmed_open"] is True
    assert row.after["open"] == {"unchecked": 0, "returned": 1, "silent_units": ["二支部"]}
    assert pub.revision == 1


def test_a_month_with_nothing_open_publishes_without_a_question(scheme_a_assessment):
    w = scheme_a_assessment
    for unit in (w.world.b1, w.world.b2):
        w.time_task(unit, "2026-01-15", status="accepted")
    assert not open_items(w.jan).any
    do_publish(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    row = AuditEntry.objects.get(action="publication.publish")
    assert row.after["confirmed_open"] is False


def test_the_run_page_shows_the_open_items_and_publishes_once_ticked(w, login):
    c = login(w.world.bob)
    page = c.get(reverse("scoring_run", args=[w.run.pk])).content.decode()
    assert "1 条记录已提交、尚未核查" in page and "1 条记录已退回" in page
    assert "1 个单位本期没有数据：二支部" in page and "仍要公示" in page
    url = reverse("scoring_publish", args=[w.run.pk])
    form = {"open_unchecked": "1", "open_returned": "1", "open_silent": "1"}
    refused = c.post(url, form)  # not ticked
    assert refused.status_code == 400 and "请核对后勾选确认" in refused.content.decode()
    assert not Publication.objects.exists()
    resp = c.post(url, {**form, "confirm_open": "1"})
    assert resp.status_code == 302 and Publication.objects.get().period == w.jan
