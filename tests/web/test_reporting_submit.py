"""Draft → submit: on time and late (accepted and marked), the engine's checks on the form,
automatic submission dates, and the returned record fixed and resubmitted."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.models import AuditEntry, Record

ARTICLE = {"媒体层级": "省", "媒体名称": "大众日报", "文章题目": "支部工作法", "发表日期": "2026-01-10"}
QUANTITY = {"考核项目": "“三会一课”“主题党日”运行", "业务名称": "三会一课", "应报数量": "4",
            "实报数量": "4"}


def test_draft_may_be_incomplete_and_is_not_submitted(reporting, login):
    c = login(reporting.world.carol)
    r = reporting.post(c, "典型培养宣传", {"媒体层级": "省"})
    assert r.status_code == 302
    rec = Record.objects.get()
    assert rec.status == Record.Status.DRAFT and rec.submitted_at is None
    assert rec.data["媒体层级"] == "省" and rec.data["文章题目"] is None
    assert rec.unit == reporting.world.b1 and rec.scheme_period == 1
    assert AuditEntry.objects.filter(action="record.create", object_id=str(rec.pk)).exists()


def test_submit_on_time(reporting, login):
    c = login(reporting.world.carol)
    r = reporting.post(c, "典型培养宣传", ARTICLE)
    rec = Record.objects.get()
    r = c.post(reverse("record_submit", args=[rec.pk]))
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Record.Status.SUBMITTED and rec.submitted_at is not None
    assert rec.late is False
    assert rec.data == {"媒体层级": "省", "媒体名称": "大众日报", "文章题目": "支部工作法",
                        "发表日期": "2026-01-10"}


def test_late_submission_is_accepted_and_marked(reporting, login):
    c = login(reporting.world.carol)
    r = reporting.post(c, "数量任务", QUANTITY, period=reporting.feb, submit=True)
    assert r.status_code == 302, r.content.decode()
    rec = Record.objects.get()
    assert rec.status == Record.Status.SUBMITTED and rec.late is True
    # the automatic 上报日期 is the submission date: what scheme A's quantity rule scores
    assert rec.data["上报日期"] == reporting.today.isoformat()
    page = c.get(reverse("report_period", args=[reporting.a.pk, 2])).content.decode()
    assert "逾期" in page


def test_submitting_an_incomplete_record_shows_the_engines_messages(reporting, login):
    c = login(reporting.world.carol)
    r = reporting.post(c, "数量任务", {**QUANTITY, "实报数量": "-1", "业务名称": ""}, submit=True)
    assert r.status_code == 400
    form = r.context["form"]
    assert "实报数量 \"-1\" 小于下限 0" in form.errors["实报数量"][0]
    assert "业务名称 为必填项" in form.errors["业务名称"][0]
    assert not Record.objects.exists()


def test_a_draft_with_a_wrong_value_is_not_saved(reporting, login):
    c = login(reporting.world.carol)
    r = reporting.post(c, "典型培养宣传", {"发表日期": "2026-02-30"})
    assert r.status_code == 400
    assert "不是有效日期" in r.context["form"].errors["发表日期"][0]
    assert not Record.objects.exists()


def test_duplicate_is_refused_with_the_engines_message(reporting, login):
    c = login(reporting.world.carol)
    assert reporting.post(c, "典型培养宣传", ARTICLE, submit=True).status_code == 302
    r = reporting.post(c, "典型培养宣传", ARTICLE, submit=True)
    assert r.status_code == 400
    assert any("重复" in p for p in r.context["form"].general_problems)
    assert Record.objects.count() == 1


def test_returned_record_is_fixed_and_resubmitted(reporting, login):
    c = login(reporting.world.carol)
    reporting.post(c, "典型培养宣传", ARTICLE, submit=True)
    rec = Record.objects.get()
    first = rec.submitted_at
    rec.status, rec.return_reason = Record.Status.RETURNED, "媒体层级应为市级"
    rec.save()
    home = c.get(reverse("reporting")).content.decode()
    assert "媒体层级应为市级" in home
    r = c.get(reverse("record_edit", args=[rec.pk]))
    assert r.status_code == 200 and "媒体层级应为市级" in r.content.decode()
    r = c.post(reverse("record_edit", args=[rec.pk]), {**ARTICLE, "媒体层级": "市",
                                                       "scheme_period": "1", "submit": "1"})
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Record.Status.SUBMITTED and rec.data["媒体层级"] == "市"
    assert rec.submitted_at == first and rec.return_reason == ""


def test_submitted_record_cannot_be_edited_by_the_reporter(reporting, login):
    c = login(reporting.world.carol)
    reporting.post(c, "典型培养宣传", ARTICLE, submit=True)
    rec = Record.objects.get()
    r = c.post(reverse("record_edit", args=[rec.pk]), {**ARTICLE, "媒体层级": "市",
                                                       "scheme_period": "1", "draft": "1"})
    assert r.status_code == 400
    rec.refresh_from_db()
    assert rec.data["媒体层级"] == "省"
    assert c.post(reverse("record_delete", args=[rec.pk])).status_code == 400


def test_draft_can_be_deleted(reporting, login):
    c = login(reporting.world.carol)
    reporting.post(c, "典型培养宣传", {"媒体层级": "省"})
    rec = Record.objects.get()
    assert c.post(reverse("record_delete", args=[rec.pk])).status_code == 302
    assert not Record.objects.exists()
    assert AuditEntry.objects.filter(action="record.delete").exists()
