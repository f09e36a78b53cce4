"""核查调整 is checked by the engine with the whole record, as on entry: a value that makes
the record a duplicate of another stored one (``unique``), or that is out of the field's
range, is refused with the engine's message beside the value (HTTP 400), and nothing is
saved — no value, no 核查 row, no audit row.

Scheme A: 时间任务 is unique per 单位 + 月份 + 考核项目 + 业务名称; 数量任务's 应报数量 is at
least 1."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.actions.verification import do_adjust_record
from kaoping.web.models import AuditEntry, Verification


def untouched(record, **data):
    old = dict(record.data)
    record.refresh_from_db()
    assert record.data == old
    for k, v in data.items():
        assert record.data[k] == v
    assert not Verification.objects.filter(record=record).exists()
    assert not AuditEntry.objects.filter(object_type="record", object_id=str(record.pk)).exists()


def test_an_adjustment_that_duplicates_a_key_is_refused(scheme_a_assessment, login):
    w = scheme_a_assessment
    first = w.time_task(w.world.b1, "2026-01-15")
    second = w.time_task(w.world.b1, "2026-01-20", name="1月组织生活会")
    c = login(w.world.bob)
    resp = c.post(reverse("verify_adjust", args=[second.pk]),
                  {"field": "业务名称", "value": "1月档案整理归档", "reason": "名称登记错误"})
    assert resp.status_code == 400
    beside = resp.context["errors"]["adjust"]["value"]
    assert beside == (f"与 已有记录 #{first.pk}（一支部） 重复"
                      "（单位+月份+考核项目+业务名称 相同）")
    assert beside in resp.content.decode()
    untouched(second, 业务名称="1月组织生活会")


def test_the_same_key_in_another_unit_or_on_the_record_itself_is_no_duplicate(
        scheme_a_assessment):
    w = scheme_a_assessment
    w.time_task(w.world.b1, "2026-01-15")
    other = w.time_task(w.world.b2, "2026-01-15", name="1月组织生活会")
    do_adjust_record(w.world.bob, other, "业务名称", "1月档案整理归档", "与一支部同一任务")
    # the record is left out of its own comparison: changing another field keeps its key
    do_adjust_record(w.world.bob, other, "完成日期", "2026-01-16", "佐证显示 16 日完成")
    other.refresh_from_db()
    assert (other.data["业务名称"], other.data["完成日期"]) == ("1月档案整理归档", "2026-01-16")


def test_an_adjustment_out_of_the_fields_range_is_refused(scheme_a_assessment, login):
    w = scheme_a_assessment
    r = w.record(w.world.b1, "数量任务", {"考核项目": "2", "业务名称": "三会一课", "应报数量": 4,
                                          "实报数量": 4, "上报日期": "2026-01-20"})
    c = login(w.world.bob)
    resp = c.post(reverse("verify_adjust", args=[r.pk]),
                  {"field": "应报数量", "value": "0", "reason": "核减"})
    assert resp.status_code == 400
    beside = resp.context["errors"]["adjust"]["value"]
    assert beside == '应报数量 "0" 小于下限 1'
    assert "应报数量 &quot;0&quot; 小于下限 1" in resp.content.decode()
    untouched(r, 应报数量=4)


def test_a_record_entered_by_the_unit_takes_the_assessors_fields_one_at_a_time(progress_world):
    """Scheme E's 组织评估 and 社会评价 are the assessing organisation's, left blank by the
    unit: adjusting one of them does not require the other."""
    p = progress_world
    p.e.units.update(unit_class="企事业单位党组织")
    r = p.record(p.e, p.e_year, p.world.b1, "指标评分", {
        "指标名称": "规范党支部建设", "指标类型": "规定指标", "权重": "5", "责任单位": "一支部",
        "责任人": "张三", "完成时限": "2026-11-30", "进展情况": "已完成", "单位自评": "优",
        "组织评估": None, "社会评价": None})
    do_adjust_record(p.world.bob, r, "组织评估", "良", "上级党组织评定")
    r.refresh_from_db()
    assert (r.data["组织评估"], r.data["社会评价"]) == ("良", None)
