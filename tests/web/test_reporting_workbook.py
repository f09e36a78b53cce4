"""The period's template workbook: downloaded for the entrant (a reporter gets only its unit's
kinds and its unit), uploaded filled: all records or none, every cell problem shown."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kaoping.web.models import Record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, reporting, number=1):
    r = client.get(reverse("period_template", args=[reporting.a.pk, number]))
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert "filename*=utf-8''" in r["Content-Disposition"]
    return load_workbook(BytesIO(r.content))


def fill(wb, sheet, rows):
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for r, values in enumerate(rows, start=2):
        for name, value in values.items():
            ws.cell(r, header.index(name) + 1, value)


def send(client, reporting, wb, number=1):
    out = BytesIO()
    wb.save(out)
    return client.post(reverse("period_upload", args=[reporting.a.pk, number]),
                       {"file": SimpleUploadedFile("填报.xlsx", out.getvalue(), XLSX)})


ARTICLES = [{"单位": "一支部", "月份": 1, "媒体层级": "省", "媒体名称": "大众日报",
             "文章题目": "支部工作法", "发表日期": "2026-01-10"},
            {"单位": "一支部", "月份": 1, "媒体层级": "县", "媒体名称": "县融媒",
             "文章题目": "志愿服务", "发表日期": "2026-01-12"}]
QUANTITY = [{"单位": "一支部", "月份": "1", "考核项目": "2", "业务名称": "三会一课",
             "应报数量": 4, "实报数量": 3}]


def test_reporter_template_has_only_the_units_kinds_and_unit(reporting, login):
    wb = download(login(reporting.world.carol), reporting)
    assert "月度扣分" not in wb.sheetnames and "展评排名" not in wb.sheetnames
    assert {"说明", "单位", "时间任务", "数量任务", "典型培养宣传", "质量成果"} <= set(wb.sheetnames)
    units = [row for row in wb["单位"].iter_rows(min_row=2, values_only=True) if any(row)]
    assert [u[0] for u in units] == ["一支部"]
    assert wb["说明"]["B3"].value == reporting.today.year
    header = [c.value for c in wb["数量任务"][1]]
    assert "上报日期" in header  # optional: the upload date when left blank
    assessor = download(login(reporting.world.bob), reporting)
    assert "月度扣分" in assessor.sheetnames
    assert [row[0] for row in assessor["单位"].iter_rows(min_row=2, values_only=True)
            if any(row)] == ["一支部", "二支部"]


def test_good_upload_creates_submitted_records(reporting, login):
    c = login(reporting.world.carol)
    wb = download(c, reporting)
    fill(wb, "典型培养宣传", ARTICLES)
    fill(wb, "数量任务", QUANTITY)
    r = send(c, reporting, wb)
    assert r.status_code == 302, r.content.decode()
    records = Record.objects.order_by("id")
    assert [(x.kind, x.status, x.late) for x in records] == [
        ("数量任务", "submitted", False), ("典型培养宣传", "submitted", False),
        ("典型培养宣传", "submitted", False)]
    quantity = records[0]
    assert quantity.data == {"考核项目": "“三会一课”“主题党日”运行", "业务名称": "三会一课",
                             "应报数量": 4, "实报数量": 3,
                             "上报日期": reporting.today.isoformat()}
    assert quantity.unit == reporting.world.b1 and quantity.scheme_period == 1


def test_late_upload_is_marked(reporting, login):
    c = login(reporting.world.carol)
    wb = download(c, reporting, 2)
    fill(wb, "典型培养宣传", [{**ARTICLES[0], "月份": 2}])
    assert send(c, reporting, wb, 2).status_code == 302
    assert Record.objects.get().late is True


def test_upload_with_errors_saves_nothing_and_shows_every_problem(reporting, login):
    c = login(reporting.world.carol)
    wb = download(c, reporting)
    fill(wb, "典型培养宣传", [ARTICLES[0],
                           {**ARTICLES[1], "发表日期": "2026-13-40"},
                           {**ARTICLES[1], "文章题目": "另一篇", "单位": "二支部"},
                           {**ARTICLES[1], "文章题目": "第三篇", "月份": 5}])
    fill(wb, "数量任务", [{**QUANTITY[0], "实报数量": -1, "考核项目": "没有这个项目"}])
    r = send(c, reporting, wb)
    assert r.status_code == 400
    problems = r.context["problems"]
    text = "\n".join(problems)
    assert "典型培养宣传!F3: 发表日期 \"2026-13-40\" 不是有效日期" in text
    assert any(p.startswith("典型培养宣传!A4: 只能上传本单位（一支部）的记录") for p in problems)
    assert any(p.startswith("典型培养宣传!B5: 月份 5 不在本期（1月）之内") for p in problems)
    assert "数量任务!C2: 未知考核项目" in text
    assert "数量任务!F2: 实报数量 \"-1\" 小于下限 0" in text
    assert not Record.objects.exists()
    page = r.content.decode()
    assert "典型培养宣传!F3" in page and "没有导入任何记录" in page


def test_duplicates_against_stored_records(reporting, login):
    c = login(reporting.world.carol)
    wb = download(c, reporting)
    fill(wb, "典型培养宣传", ARTICLES[:1])
    assert send(c, reporting, wb).status_code == 302
    r = send(c, reporting, wb)
    assert r.status_code == 400
    assert any("典型培养宣传!第2行: 与 已有记录" in p and "重复" in p for p in r.context["problems"])
    assert Record.objects.count() == 1


def test_reporter_cannot_upload_assessor_kinds(reporting, login):
    wb = download(login(reporting.world.bob), reporting)
    fill(wb, "月度扣分", [{"单位": "一支部", "月份": 1, "类型": "督办", "扣分": 0.02, "事由": "超期"}])
    c = login(reporting.world.carol)
    r = send(c, reporting, wb)
    assert r.status_code == 400
    assert any(p.startswith("月度扣分: 「月度扣分」由考核管理员填写") for p in r.context["problems"])
    assert not Record.objects.exists()


def test_assessor_uploads_for_any_unit(reporting, login):
    b = login(reporting.world.bob)
    wb = download(b, reporting)
    fill(wb, "月度扣分", [{"单位": "二支部", "月份": 1, "类型": "督办", "扣分": 0.02, "事由": "超期"}])
    fill(wb, "典型培养宣传", ARTICLES[:1])
    assert send(b, reporting, wb).status_code == 302
    assert sorted(Record.objects.values_list("kind", "unit__name")) == [
        ("典型培养宣传", "一支部"), ("月度扣分", "二支部")]


@pytest.mark.parametrize("content", [b"not a workbook", b""])
def test_not_a_workbook(reporting, login, content):
    c = login(reporting.world.carol)
    r = c.post(reverse("period_upload", args=[reporting.a.pk, 1]),
               {"file": SimpleUploadedFile("x.xlsx", content, XLSX)})
    assert r.status_code == 400
    assert not Record.objects.exists()
