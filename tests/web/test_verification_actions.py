"""核查: accept, return with a reason, adjust a value with a reason — each audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.verification import (
    do_accept_record,
    do_adjust_record,
    do_return_record,
)
from kaoping.web.models import AuditEntry, Record, Verification

S = Record.Status


def audit_rows(record):
    return list(AuditEntry.objects.filter(object_type="record", object_id=str(record.pk))
                .order_by("id"))


def test_accept_through_the_page(scheme_a_assessment, login):
    w = scheme_a_assessment
    r = w.time_task(w.world.b1, "2026-01-15")
    c = login(w.world.bob)
    queue = c.get(reverse("verification_queue", args=[w.a.pk])).content.decode()
    assert reverse("verify_record", args=[r.pk]) in queue
    page = c.get(reverse("verify_record", args=[r.pk])).content.decode()
    assert "1月档案整理归档" in page and "核查通过" in page
    resp = c.post(reverse("verify_accept", args=[r.pk]))
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == S.ACCEPTED
    v = Verification.objects.get(record=r)
    assert (v.action, v.by) == (Verification.Action.ACCEPT, w.world.bob)
    (row,) = audit_rows(r)
    assert (row.action, row.actor, row.organisation) == ("record.accept", w.world.bob, w.world.b1)
    assert row.before["status"] == "submitted" and row.after["status"] == "accepted"
    # accepted records leave the queue of submitted ones
    queue = c.get(reverse("verification_queue", args=[w.a.pk])).content.decode()
    assert reverse("verify_record", args=[r.pk]) not in queue


def test_return_needs_a_reason_and_the_reporter_sees_it(scheme_a_assessment, login):
    w = scheme_a_assessment
    r = w.time_task(w.world.b1, "2026-01-15", by=w.world.carol)
    c = login(w.world.bob)
    resp = c.post(reverse("verify_return", args=[r.pk]), {"reason": "  "})
    assert resp.status_code == 400 and "退回须填写理由" in resp.content.decode()
    r.refresh_from_db()
    assert r.status == S.SUBMITTED and not r.verifications.exists() and not audit_rows(r)

    resp = c.post(reverse("verify_return", args=[r.pk]), {"reason": "完成日期与佐证不符"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.return_reason) == (S.RETURNED, "完成日期与佐证不符")
    (row,) = audit_rows(r)
    assert row.action == "record.return" and row.reason == "完成日期与佐证不符"
    # the reporter reads the reason on the record's history page
    page = login(w.world.carol).get(reverse("record_history", args=[r.pk])).content.decode()
    assert "完成日期与佐证不符" in page and "已退回" in page


def test_adjust_keeps_before_and_after(scheme_a_assessment, login):
    w = scheme_a_assessment
    r = w.time_task(w.world.b1, "2026-01-15")
    c = login(w.world.bob)
    resp = c.post(reverse("verify_adjust", args=[r.pk]),
                  {"field": "完成日期", "value": "2026-01-17", "reason": ""})
    assert resp.status_code == 400 and "调整须填写理由" in resp.content.decode()
    resp = c.post(reverse("verify_adjust", args=[r.pk]),
                  {"field": "完成日期", "value": "2026-13-40", "reason": "核对佐证"})
    assert resp.status_code == 400 and "不是有效日期" in resp.content.decode()
    r.refresh_from_db()
    assert r.data["完成日期"] == "2026-01-15" and not audit_rows(r)

    resp = c.post(reverse("verify_adjust", args=[r.pk]),
                  {"field": "完成日期", "value": "2026/1/17", "reason": "佐证显示 17 日完成"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.data["完成日期"] == "2026-01-17" and r.status == S.SUBMITTED
    v = r.verifications.get()
    assert (v.action, v.before, v.after, v.reason) == (
        "adjust", {"完成日期": "2026-01-15"}, {"完成日期": "2026-01-17"}, "佐证显示 17 日完成")
    (row,) = audit_rows(r)
    assert (row.action, row.before, row.after, row.reason) == (
        "record.adjust", {"完成日期": "2026-01-15"}, {"完成日期": "2026-01-17"}, "佐证显示 17 日完成")


@pytest.mark.parametrize("field,value,stored", [
    ("严重超期", "是", True), ("考核项目", " 3 ", "3"), ("业务名称", "新名称", "新名称")])
def test_adjust_stores_values_as_the_engine_reads_them(scheme_a_assessment, field, value, stored):
    w = scheme_a_assessment
    r = w.time_task(w.world.b1, "2026-01-15")
    do_adjust_record(w.world.bob, r, field, value, "核对")
    r.refresh_from_db()
    assert r.data[field] == stored


def test_adjust_numbers_and_choices(scheme_a_assessment):
    w = scheme_a_assessment
    r = w.record(w.world.b1, "数量任务", {"考核项目": "2", "业务名称": "会", "应报数量": 4,
                                          "实报数量": 4, "上报日期": "2026-01-20"})
    do_adjust_record(w.world.bob, r, "实报数量", "3", "核减一次")
    r.refresh_from_db()
    assert r.data["实报数量"] == 3
    with pytest.raises(ActionError, match="不是整数"):
        do_adjust_record(w.world.bob, r, "实报数量", "2.5", "x")
    with pytest.raises(ActionError, match="没有字段"):
        do_adjust_record(w.world.bob, r, "单位", "二支部", "x")
    p = w.record(w.world.b1, "典型培养宣传", {"媒体层级": "省", "媒体名称": "大众日报",
                                              "文章题目": "t", "发表日期": "2026-01-03"})
    with pytest.raises(ActionError, match="不在可选值"):
        do_adjust_record(w.world.bob, p, "媒体层级", "国际", "x")
    do_adjust_record(w.world.bob, p, "媒体层级", "市", "实为市级媒体")
    p.refresh_from_db()
    assert p.data["媒体层级"] == "市"


def test_state_rules(scheme_a_assessment):
    w = scheme_a_assessment
    draft = w.time_task(w.world.b1, "2026-01-15", status=S.DRAFT)
    with pytest.raises(ActionError):
        do_accept_record(w.world.bob, draft)
    r = w.time_task(w.world.b2, "2026-01-15")
    do_accept_record(w.world.bob, r)
    with pytest.raises(ActionError, match="只有已提交"):
        do_accept_record(w.world.bob, r)
    do_return_record(w.world.bob, r, "再核")  # an accepted record can still be returned
    with pytest.raises(ActionError):
        do_adjust_record(w.world.bob, r, "完成日期", "2026-01-16", "x")


def test_queue_filters(scheme_a_assessment, login):
    w = scheme_a_assessment
    r1 = w.time_task(w.world.b1, "2026-01-15")
    r2 = w.record(w.world.b2, "民主测评", {"得分": 0.9}, period=w.mar, scheme_period=1)
    c = login(w.world.bob)
    url = reverse("verification_queue", args=[w.a.pk])

    def shown(**params):
        html = c.get(url, params).content.decode()
        return {r.pk for r in (r1, r2) if reverse("verify_record", args=[r.pk]) in html}

    assert shown() == {r1.pk, r2.pk}
    assert shown(unit=w.world.b2.pk) == {r2.pk}
    assert shown(kind="时间任务") == {r1.pk}
    assert shown(period=w.mar.pk) == {r2.pk}
    assert shown(status="accepted") == set()


def test_record_page_links_its_evidence(scheme_a_assessment, login):
    from kaoping.web.models import Evidence

    w = scheme_a_assessment
    r = w.time_task(w.world.b1, "2026-01-15")
    e = Evidence.objects.create(record=r, file="evidence/2026/01/x.pdf", original_name="归档照片.pdf",
                                size=2048, uploaded_by=w.world.carol)
    page = login(w.world.bob).get(reverse("verify_record", args=[r.pk])).content.decode()
    assert "归档照片.pdf" in page and reverse("evidence_download", args=[e.pk]) in page
