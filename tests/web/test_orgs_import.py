"""Importing the tree from a workbook: all rows or none, every problem shown with its cell."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaoping.web.access import managed_organisations
from kaoping.web.actions.orgs import ImportRefused, do_create_organisation, do_import_organisations
from kaoping.web.models import AuditEntry, Organisation

HEADER = ["组织名称", "上级组织", "类别", "书记", "党务工作者", "党员数"]


def workbook(rows, header=HEADER, title="组织", name="组织.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def refused(world, upload) -> list[str]:
    """The problems of an import that must fail, after checking that it saved nothing."""
    before = Organisation.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRefused) as info:
        do_import_organisations(world.alice, upload, within=managed_organisations(world.alice))
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before
    return info.value.problems


def test_three_levels_in_any_order(login, world):
    upload = workbook([
        ["第一党小组", "三支部", "党小组", None, None, None],       # its parent comes later
        ["三支部", "新机关党委", "党支部", "张三", "李四", 15],
        ["新机关党委", "县委", "机关党委", "王五", None, "120"],
        ["四支部", "机关党委", "党支部", None, None, 9.0],
    ])
    r = login(world.alice).post(reverse("org_import"), {"file": upload})
    assert r.status_code == 302
    new = Organisation.objects.get(name="新机关党委")
    branch = Organisation.objects.get(name="三支部")
    group = Organisation.objects.get(name="第一党小组")
    four = Organisation.objects.get(name="四支部")
    assert (new.parent, branch.parent, group.parent, four.parent) == (
        world.county, new, branch, world.organ)
    assert (branch.category, branch.secretary, branch.affairs_worker, branch.member_count) == (
        "党支部", "张三", "李四", 15)
    assert (new.member_count, four.member_count, group.member_count) == (120, 9, None)
    assert group.path == f"/{world.county.pk:010d}/{new.pk:010d}/{branch.pk:010d}/{group.pk:010d}/"
    for org in Organisation.objects.all():
        assert org.path == org.compute_path()
    entries = AuditEntry.objects.filter(action="organisation.create", actor=world.alice)
    assert entries.count() == 4
    assert entries.get(object_id=str(group.pk)).reason == "从「组织.xlsx」第 2 行导入"


def test_blank_name(world):
    assert refused(world, workbook([["三支部", "机关党委"], [None, "机关党委", "党支部"]])) == [
        "组织!A3: 组织名称不能为空"]


def test_blank_parent(world):
    assert refused(world, workbook([["三支部", "  "]])) == ["组织!B2: 上级组织不能为空"]


def test_unknown_parent(world):
    assert refused(world, workbook([["三支部", "机关党委"], ["五支部", "xx"]])) == [
        '组织!B3: 上级组织 "xx" 不存在']


def test_parent_outside_the_admins_subtree_does_not_exist(world):
    assert refused(world, workbook([["三支部", "其他党委"]])) == [
        '组织!B2: 上级组织 "其他党委" 不存在']


def test_duplicate_name_under_the_same_parent(world):
    problems = refused(world, workbook([
        ["三支部", "机关党委"], ["一支部", "机关党委"], ["三支部", "机关党委"], ["三支部", "县委"]]))
    assert problems == ['组织!A3: 上级组织 "机关党委" 下已有组织 "一支部"',
                        '组织!A4: 组织名称 "三支部" 与第 2 行重复（上级组织相同）']


@pytest.mark.parametrize("value", ["abc", -3, 2.5, "-1", "十"])
def test_member_count_not_a_non_negative_integer(world, value):
    assert refused(world, workbook([["三支部", "机关党委", None, None, None, value]])) == [
        f'组织!F2: 党员数 "{value}" 不是非负整数']


def test_missing_column(world):
    upload = workbook([["三支部", "机关党委", "党支部", None, None]], header=HEADER[:5])
    assert refused(world, upload) == ['组织: 缺少列 "党员数"']


def test_not_a_workbook(world):
    upload = SimpleUploadedFile("组织.csv", "组织名称,上级组织\n三支部,机关党委\n".encode())
    assert refused(world, upload) == ['文件 "组织.csv" 不是 Excel 工作簿（.xlsx）']


def test_every_problem_at_once_in_sheet_order(world):
    problems = refused(world, workbook([
        [None, "xx", None, None, None, "abc"],
        ["三支部", "机关党委", "党支部", None, None, 3],
        ["三支部", "机关党委", None, None, None, -1],
        ["A", "B"], ["B", "A"],
    ]))
    assert problems == [
        "组织!A2: 组织名称不能为空",
        '组织!B2: 上级组织 "xx" 不存在',
        '组织!F2: 党员数 "abc" 不是非负整数',
        '组织!A4: 组织名称 "三支部" 与第 3 行重复（上级组织相同）',
        '组织!F4: 党员数 "-1" 不是非负整数',
        '组织!B5: 上级组织 "B" 与本表中的其他行互为上下级（循环）',
        '组织!B6: 上级组织 "A" 与本表中的其他行互为上下级（循环）',
    ]


def test_columns_in_any_order_and_the_first_sheet_when_none_is_named_组织(world):
    upload = workbook([[7, "机关党委", "三支部"]], header=["党员数", "上级组织", "组织名称"] + HEADER[2:5],
                      title="Sheet1")
    do_import_organisations(world.alice, upload, within=managed_organisations(world.alice))
    assert Organisation.objects.get(name="三支部").member_count == 7


def test_an_ambiguous_parent_and_its_path(world):
    do_create_organisation(None, name="一支部", parent=world.county)
    upload = workbook([["党小组", "一支部"]])
    assert refused(world, upload) == [
        '组织!B2: 上级组织 "一支部" 不唯一（有 2 个同名组织），请连同其上级写出，如 "上级组织/一支部"']
    do_import_organisations(world.alice, workbook([["党小组", "机关党委/一支部"]]),
                            within=managed_organisations(world.alice))
    assert Organisation.objects.get(name="党小组").parent == world.b1


def test_page_shows_every_problem_and_saves_nothing(login, world):
    before = Organisation.objects.count()
    upload = workbook([[None, "机关党委"], ["三支部", "xx", None, None, None, "abc"]])
    r = login(world.alice).post(reverse("org_import"), {"file": upload})
    page = r.content.decode()
    assert r.status_code == 400
    assert "导入失败：共 3 处问题，未导入任何组织。" in page
    for message in ("组织!A2: 组织名称不能为空", "组织!B3: 上级组织 &quot;xx&quot; 不存在",
                    "组织!F3: 党员数 &quot;abc&quot; 不是非负整数"):
        assert message in page
    assert Organisation.objects.count() == before


def test_page_without_a_file(login, world):
    r = login(world.alice).post(reverse("org_import"), {})
    assert r.status_code == 400 and 'id="id_file_errors"' in r.content.decode()


def test_blank_template(login, world):
    r = login(world.alice).get(reverse("org_import_template"))
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames[0] == "组织"
    assert [c.value for c in wb["组织"][1]] == HEADER
    assert wb["组织"].max_row == 1
