"""History pages: a record's and a unit's audit rows, for those who may read them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.actions.verification import (
    do_adjust_record,
    do_correct_record,
    do_return_record,
)
from webhelpers import publish_confirmed


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15")
    w.r2 = w.time_task(w.world.b2, "2026-01-18")
    do_adjust_record(w.world.bob, w.r1, "完成日期", "2026-01-16", "佐证日期为 16 日")
    w.run = do_run_scoring(w.world.bob, w.jan)
    publish_confirmed(w.world.bob, w.run)
    do_correct_record(w.world.bob, w.r1, {"完成日期": "2026-01-15"}, "复核后恢复")
    return w


def test_record_history_shows_who_when_what_and_why(w, login):
    page = login(w.world.carol).get(reverse("record_history", args=[w.r1.pk])).content.decode()
    for text in ("核查调整", "公示后更正", "佐证日期为 16 日", "复核后恢复", "2026-01-15",
                 "2026-01-16", "bob"):
        assert text in page, text
    assert page.index("核查调整") < page.index("公示后更正")  # oldest first


def test_unit_history_lists_records_and_publications(w, login):
    page = login(w.world.carol).get(reverse("unit_history", args=[w.world.b1.pk])).content.decode()
    assert "核查调整" in page and "公示后更正" in page and ">公示<" in page
    assert reverse("record_history", args=[w.r1.pk]) in page
    assert f"记录#{w.r2.pk}" not in page  # 二支部's records are not 一支部's history
    assert ">评分<" not in page  # scoring runs are for the staff only
    staff = login(w.world.bob).get(reverse("unit_history", args=[w.world.b1.pk])).content.decode()
    assert ">评分<" in staff


def test_returned_reason_in_the_unit_history(scheme_a_assessment, login):
    w = scheme_a_assessment
    r = w.time_task(w.world.b2, "2026-01-15")
    do_return_record(w.world.bob, r, "请补充佐证")
    page = login(w.world.dave).get(reverse("unit_history", args=[w.world.b2.pk])).content.decode()
    assert "退回" in page and "请补充佐证" in page


def test_permissions(w, login, client):
    carol, dave, eve = w.world.carol, w.world.dave, w.world.eve
    assert login(dave).get(reverse("record_history", args=[w.r1.pk])).status_code == 404
    assert login(dave).get(reverse("unit_history", args=[w.world.b1.pk])).status_code == 404
    assert login(carol).get(reverse("record_history", args=[w.r2.pk])).status_code == 404
    assert login(carol).get(reverse("unit_history", args=[w.world.b2.pk])).status_code == 404
    for url in (reverse("record_history", args=[w.r1.pk]),
                reverse("unit_history", args=[w.world.b1.pk])):
        assert login(eve).get(url).status_code == 404
        assert login(w.world.frank).get(url).status_code == 200
        client.logout()
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_snapshots_are_shown_value_by_value():
    """A record snapshot (with its data nested) shows only what changed, in Chinese."""
    from kaoping.web.models import AuditEntry
    from kaoping.web.services.history import changes

    entry = AuditEntry(action="record.submit",
                       before={"status": "draft", "late": False, "data": {"完成日期": None, "业务名称": "x"}},
                       after={"status": "submitted", "late": False, "data": {"完成日期": "2026-01-15", "业务名称": "x"}})
    assert changes(entry) == [("状态", "草稿", "已提交"), ("完成日期", None, "2026-01-15")]
    created = AuditEntry(action="record.create", after={"status": "draft", "data": {"业务名称": "x"}})
    assert changes(created) == [("状态", None, "草稿"), ("业务名称", None, "x")]
