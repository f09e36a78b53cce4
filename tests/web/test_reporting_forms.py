"""Record forms generated from the scheme, for schemes A, B and E: one widget per field type,
the kind's period limited to the assessment period, fields others fill in left out."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from kaoping.web.recordcheck import kind_periods
from kaoping.web.recordforms import RecordForm


def widgets(form):
    return {name: type(f.widget).__name__ for name, f in form.fields.items()}


def test_scheme_a_time_task_form(reporting):
    a, jan = reporting.a, reporting.jan
    form = RecordForm(a, jan, "时间任务", assessor=False, units=[reporting.world.b1])
    assert list(form.fields) == ["unit", "scheme_period", "考核项目", "业务名称", "截止日期",
                                 "完成日期", "严重超期"]
    w = widgets(form)
    assert w["考核项目"] == "Select" and w["截止日期"] == "DateInput" and w["严重超期"] == "CheckboxInput"
    assert isinstance(form.fields["严重超期"], forms.BooleanField)
    items = [v for v, _ in form.fields["考核项目"].widget.choices if v]
    assert len(items) == 15 and items[0] == "书记履职尽责情况"
    assert form.fields["业务名称"].widget.attrs["maxlength"] == "100"
    assert form.fields["scheme_period"].choices == [("1", "1月")]
    assert form.required_names == {"考核项目", "业务名称", "截止日期"}


def test_scheme_a_auto_date_and_fixed_item(reporting):
    a, jan = reporting.a, reporting.jan
    quantity = RecordForm(a, jan, "数量任务", assessor=False, units=[reporting.world.b1])
    assert "上报日期" not in quantity.fields  # filled with the submission date
    assert quantity.fields["应报数量"].widget.attrs["min"] == "1"
    assert quantity.fields["应报数量"].widget.attrs["step"] == "1"
    article = RecordForm(a, jan, "典型培养宣传", assessor=False, units=[reporting.world.b1])
    assert "考核项目" not in article.fields and article.fixed_item == "8 典型培养宣传情况"
    assert [v for v, _ in article.fields["媒体层级"].widget.choices] == ["", "中央", "省", "市", "县"]


def test_scheme_a_assessor_kinds(reporting):
    a = reporting.a
    march = reporting.periods[2]
    deduction = RecordForm(a, march, "月度扣分", assessor=True, units=[reporting.world.b1])
    attrs = deduction.fields["扣分"].widget.attrs
    assert (attrs["min"], attrs["max"], attrs["step"]) == ("0.01", "0.05", "any")
    rank = RecordForm(a, march, "展评排名", assessor=True, units=[reporting.world.b1])
    assert rank.fields["scheme_period"].label == "季度"
    assert rank.fields["scheme_period"].choices == [("1", "第1季度")]
    review = RecordForm(a, march, "述职评议", assessor=True, units=[reporting.world.b1])
    assert "scheme_period" not in review.fields  # a yearly kind


def test_period_choices_follow_the_cycle(reporting):
    a, periods = reporting.make("a-linyi-branches", cycle="quarter")
    q2 = periods[1]
    assert kind_periods(a, q2, "时间任务") == [(4, "4月"), (5, "5月"), (6, "6月")]
    assert kind_periods(a, q2, "展评排名") == [(2, "第2季度")]
    assert kind_periods(a, q2, "述职评议") == []
    y, (year,) = reporting.make("a-linyi-branches", cycle="year")
    assert len(kind_periods(y, year, "时间任务")) == 12


def test_scheme_b_clause_select_grouped_by_item(reporting):
    b, periods = reporting.make("b-luoyang-rubric", cycle="year",
                                classes={"一支部": "党支部", "二支部": "党支部"})
    form = RecordForm(b, periods[0], "扣分记录", assessor=True, units=[reporting.world.b1])
    assert list(form.fields) == ["unit", "考核来源", "考核项目", "扣分条款", "次数", "扣分", "说明"]
    groups = [g for g in form.fields["扣分条款"].widget.choices if g[0]]
    assert all(isinstance(options, list) for _, options in groups)
    codes = [code for _, options in groups for code, _ in options]
    assert len(codes) == len(b.scheme.clauses) and len(groups) > 1
    assert type(form.fields["说明"].widget).__name__ == "Textarea"  # max_length 500


def test_scheme_e_fields_the_organisation_fills_in(reporting, login):
    e, periods = reporting.make("e-weighted-indicators", cycle="year",
                                classes={"一支部": "企事业单位党组织", "二支部": "企事业单位党组织"})
    reporter = RecordForm(e, periods[0], "指标评分", assessor=False, units=[reporting.world.b1])
    assert "组织评估" not in reporter.fields and "社会评价" not in reporter.fields
    assert "单位自评" in reporter.fields
    assessor = RecordForm(e, periods[0], "指标评分", assessor=True, units=[reporting.world.b1])
    assert "组织评估" in assessor.fields and "社会评价" in assessor.fields
    appeal = RecordForm(e, periods[0], "申诉", assessor=False, units=[reporting.world.b1])
    assert list(appeal.fields) == ["unit", "申诉事项", "申诉日期"]
    # the page a reporter gets is the same
    c = login(reporting.world.carol)
    r = c.get(reverse("record_create", args=[e.pk, 1]) + "?kind=指标评分")
    assert r.status_code == 200 and "组织评估" not in reporting.fields(r)


def test_scheme_e_reporter_submits_without_the_organisations_fields(reporting, login):
    from kaoping.web.models import Record

    e, periods = reporting.make("e-weighted-indicators", cycle="year",
                                classes={"一支部": "企事业单位党组织", "二支部": "企事业单位党组织"})
    c = login(reporting.world.carol)
    data = {"指标名称": "党员教育全覆盖", "指标类型": "规定指标", "权重": "5", "责任单位": "一支部",
            "责任人": "张三", "完成时限": "2026-06-30", "进展情况": "已完成", "单位自评": "优"}
    r = reporting.post(c, "指标评分", data, assessment=e, period=periods[0], submit=True)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    rec = Record.objects.get()
    assert rec.status == Record.Status.SUBMITTED
    assert rec.data["组织评估"] is None and rec.data["权重"] == "5"
    # once submitted, a unit's record is changed by verification (核查), not by this form
    b = login(reporting.world.bob)
    r = b.post(reverse("record_edit", args=[rec.pk]), {**data, "组织评估": "良", "save": "1"})
    assert r.status_code == 400
    rec.refresh_from_db()
    assert rec.data["组织评估"] is None
