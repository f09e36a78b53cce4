"""Survey figures gathered elsewhere (scheme G's 民意调查 from the statistics bureau): an
assessor uploads a sheet of 单位 | 得分; every cell is checked by the engine, nothing is saved
unless all rows are valid, and the records are created accepted with an audit row each."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kaoping.web.models import AuditEntry, Record


def _xlsx(rows, sheet="民意调查", header=("单位", "得分")):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("民意调查.xlsx", out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument."
                                           "spreadsheetml.sheet")


@pytest.fixture
def g(ballot_assessment):
    k = ballot_assessment
    extra = k.branches(2)
    return k.make("g-xiangxi-secretaries", units=[k.world.b1, k.world.b2, *extra])


def _post(client, a, upload, kind="民意调查"):
    return client.post(f"/assessments/{a.pk}/figures/",
                       {"kind": kind, "period": a.periods.get().pk, "file": upload})


def test_valid_sheet_creates_accepted_records_with_audit(g, world, login):
    c = login(world.bob)
    page = c.get(f"/assessments/{g.pk}/figures/")
    assert page.status_code == 200 and "民意调查" in page.text
    assert f"/assessments/{g.pk}/figures/" in c.get(f"/assessments/{g.pk}/ballots/").text
    r = _post(c, g, _xlsx([("一支部", 91.5), ("二支部", 88), ("支部1", "76"), ("支部2", 100)]))
    assert r.status_code == 302, r.content.decode()
    records = {x.unit.name: x for x in Record.objects.filter(assessment=g, kind="民意调查")}
    assert {u: x.data["得分"] for u, x in records.items()} == {
        "一支部": 91.5, "二支部": 88, "支部1": 76, "支部2": 100}
    assert {x.status for x in records.values()} == {Record.Status.ACCEPTED}
    assert {x.created_by for x in records.values()} == {world.bob}
    audits = AuditEntry.objects.filter(action="record.import")
    assert audits.count() == 4
    assert all("民意调查" in a.reason for a in audits)


def test_every_bad_cell_is_reported_and_nothing_saved(g, world, login):
    c = login(world.bob)
    r = _post(c, g, _xlsx([("一支部", 90), ("二支部", 80), ("支部1", "九十"), ("三支部", 70),
                           ("一支部", 85), ("支部2", 120)]))
    assert r.status_code == 400
    text = r.content.decode()
    assert "工作表有 4 处问题，没有导入任何记录" in text
    for problem in ("民意调查!B4: 得分 &quot;九十&quot; 不是数字",
                    "民意调查!A5: 未知单位 &quot;三支部&quot;",
                    "民意调查!第6行: 与 民意调查!第2行 重复（单位 相同）",
                    "民意调查!B7: 得分 &quot;120&quot; 大于上限 100"):
        assert problem in text, problem
    assert Record.objects.filter(kind="民意调查").count() == 0
    assert not AuditEntry.objects.filter(action="record.import").exists()


def test_engine_messages_are_the_engine_s(g, world):
    from kaoping.engine import InputError
    from kaoping.web.workbooks import read_kind_upload

    with pytest.raises(InputError) as e:
        read_kind_upload(world.bob, g, g.periods.get(), "民意调查",
                         _xlsx([("一支部", "九十"), ("二支部", -1)]), today=date(2026, 5, 1))
    places = [p.where for p in e.value.problems]
    assert places == ["民意调查!B2", "民意调查!B3"]
    assert "九十" in e.value.problems[0].message


def test_first_sheet_of_any_name_is_read(g, world, login):
    r = _post(login(world.bob), g, _xlsx([("一支部", 90)], sheet="Sheet1"))
    assert r.status_code == 302
    assert Record.objects.get(kind="民意调查").data == {"得分": 90}


def test_wrong_header_is_refused(g, world, login):
    r = _post(login(world.bob), g, _xlsx([("一支部", 90)], header=("单位", "分数")))
    assert r.status_code == 400
    assert Record.objects.count() == 0


def test_second_import_of_the_same_unit_is_a_duplicate(g, world, login):
    c = login(world.bob)
    assert _post(c, g, _xlsx([("一支部", 90)])).status_code == 302
    r = _post(c, g, _xlsx([("二支部", 80), ("一支部", 95)]))
    assert r.status_code == 400
    assert Record.objects.filter(kind="民意调查").count() == 1


def test_only_single_number_assessor_kinds(g, world, login):
    from kaoping.web.workbooks import figure_kinds

    kinds = figure_kinds(g)
    assert "民意调查" in kinds and "述职测评" not in kinds
    r = _post(login(world.bob), g, _xlsx([("一支部", 90)], sheet="述职测评"), kind="述职测评")
    assert r.status_code == 400 and "不是可导入得分的记录种类" in r.content.decode()
    assert Record.objects.count() == 0


def test_not_an_xlsx(g, world, login):
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook")
    r = _post(login(world.bob), g, bad)
    assert r.status_code == 400 and "无法打开工作簿" in r.content.decode()


@pytest.mark.parametrize("who", ["frank", "carol", "dave", "eve"])
def test_others_get_404(g, world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(f"/assessments/{g.pk}/figures/").status_code == 404
    assert _post(client, g, _xlsx([("一支部", 90)])).status_code == 404
    assert Record.objects.count() == 0


def test_anonymous_is_sent_to_login_and_alice_may(g, world, client, login):
    assert client.get(f"/assessments/{g.pk}/figures/").url.startswith("/login/")
    assert login(world.alice).get(f"/assessments/{g.pk}/figures/").status_code == 200
