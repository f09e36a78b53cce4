"""Verification without 216 clicks (issue 11, point 6): many records accepted at once from
the queue, each still its own verification and audit row; after each decision the next
record of the same queue opens (下一条); the adjust form has an input typed per field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.verification import do_accept_record
from kaoping.web.models import AuditEntry, Record, Verification


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15", name="甲")
    w.r2 = w.time_task(w.world.b2, "2026-01-16", name="乙")
    w.r3 = w.time_task(w.world.b1, "2026-01-17", name="丙")
    return w


def _status(*records):
    return [Record.objects.get(pk=r.pk).status for r in records]


def test_accept_many_each_audited(w, login):
    c = login(w.world.bob)
    queue = c.get(reverse("verification_queue", args=[w.a.pk])).content.decode()
    assert queue.count('name="records" value=') == 3 and "选中的记录核查通过" in queue
    url = reverse("verify_accept_many", args=[w.a.pk])
    r = c.post(url, {"records": [w.r1.pk, w.r2.pk], "query": "status=submitted"})
    assert r.status_code == 302 and r.url.endswith("?status=submitted")
    assert _status(w.r1, w.r2, w.r3) == ["accepted", "accepted", "submitted"]
    for rec in (w.r1, w.r2):   # one verification and one audit row each, as one by one
        assert Verification.objects.filter(record=rec, action="accept").count() == 1
        assert AuditEntry.objects.filter(action="record.accept", object_id=str(rec.pk)).count() == 1
    page = c.get(r.url).content.decode()
    assert "2 条记录已核查通过" in page


def test_one_that_cannot_be_accepted_does_not_hold_back_the_others(w, login):
    do_accept_record(w.world.bob, w.r1)           # accepted meanwhile by someone else
    c = login(w.world.bob)
    r = c.post(reverse("verify_accept_many", args=[w.a.pk]),
               {"records": [w.r1.pk, w.r3.pk]}, follow=True)
    page = r.content.decode()
    assert _status(w.r3) == ["accepted"]
    assert "1 条记录已核查通过" in page
    assert "一支部 · 时间任务" in page and "只有已提交的记录可以核查通过（当前：已核查）" in page
    assert not c.post(reverse("verify_accept_many", args=[w.a.pk]), {}, follow=True) \
        .content.decode().count("已核查通过")


def test_accept_many_stays_within_reach(w, login):
    from django.test import Client

    # a reporter may not; nor anyone outside the assessment
    for who in (w.world.carol, w.world.eve):
        r = login(who).post(reverse("verify_accept_many", args=[w.a.pk]),
                            {"records": [w.r2.pk]})
        assert r.status_code == 404
    assert _status(w.r2) == ["submitted"]
    r = Client().post(reverse("verify_accept_many", args=[w.a.pk]), {"records": [w.r2.pk]})
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_next_record_after_each_decision(w, login):
    c = login(w.world.bob)
    query = f"status=submitted&unit={w.world.b1.pk}"   # 一支部's: 甲 then 丙
    page = c.get(reverse("verify_record", args=[w.r1.pk]) + "?" + query).content.decode()
    nxt = reverse("verify_record", args=[w.r3.pk]) + "?status=submitted&amp;unit="
    assert nxt in page and "下一条" in page and "核查通过，下一条" in page
    r = c.post(reverse("verify_accept", args=[w.r1.pk]), {"query": query})
    assert r.status_code == 302
    assert r.url == reverse("verify_record", args=[w.r3.pk]) + "?" + query
    # the last one of the queue goes back to the queue
    r = c.post(reverse("verify_return", args=[w.r3.pk]), {"query": query, "reason": "请补充"})
    assert r.url == reverse("verification_queue", args=[w.a.pk]) + "?" + query
    assert _status(w.r1, w.r3) == ["accepted", "returned"]
    assert "本列表中的记录都已处理" in c.get(r.url).content.decode()


def test_adjust_form_is_typed_per_field(w, login):
    c = login(w.world.bob)
    page = c.get(reverse("verify_record", args=[w.r1.pk])).content.decode()
    # 考核项目 item, 业务名称 text, 截止日期 / 完成日期 dates, 严重超期 yes/no
    assert '<select name="value-0"' in page
    assert '<input type="text" name="value-1"' in page
    assert '<input type="date" name="value-3" value="2026-01-15"' in page
    assert '<select name="value-4"' in page and '<option value="是">是</option>' in page
    assert 'name="value"' not in page                 # no one free-text box for all
    r = c.post(reverse("verify_adjust", args=[w.r1.pk]),
               {"field": "完成日期", "value-3": "2026-01-18", "reason": "以佐证为准"})
    assert r.status_code == 302
    assert Record.objects.get(pk=w.r1.pk).data["完成日期"] == "2026-01-18"
    r = c.post(reverse("verify_adjust", args=[w.r1.pk]),
               {"field": "严重超期", "value-4": "是", "reason": "影响整体工作"})
    assert Record.objects.get(pk=w.r1.pk).data["严重超期"] is True
    # a wrong date is refused beside the input, the typed value kept
    r = c.post(reverse("verify_adjust", args=[w.r1.pk]),
               {"field": "完成日期", "value-3": "2026-02-30", "reason": "x"})
    assert r.status_code == 400
    assert 'name="value-3" value="2026-02-30"' in r.content.decode()
