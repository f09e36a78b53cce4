"""The progress board of a province-sized assessment: pages of units, filters by state, name
and organisation subtree, counts from the database, and a number of queries that does not
grow with the number of units.

The world: 机关党委 assesses 300 branches on scheme E (one required column 指标评分; 申诉 is
reported only when a unit appeals), yearly, due 2026-12-20, looked at on 2026-12-22
(overdue)::

    机关党委 ── 甲党委 ── 甲支部001 … 甲支部200
             └─ 乙党委 ── 乙支部001 … 乙支部100

    指标评分 submitted: 甲支部001–060 (60) and 乙支部001–030 (30)     → 90 units done
    指标评分 draft:     乙支部031–040 (not done)
    申诉 submitted:     甲支部061–070 (optional: shown, still not done)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping.web import progress
from kaoping.web.models import AssessedUnit, Assessment, Organisation, Period, Record
from webhelpers import without_appeal_register

TODAY = date(2026, 12, 22)


def _org(name, parent):
    o = Organisation.objects.create(name=name, parent=parent)
    o.path = o.compute_path()
    o.save(update_fields=["path"])
    return o


def _world(world, per_committee: tuple[int, int], committees=("甲党委", "乙党委")):
    schemes = Path(__file__).resolve().parents[2] / "schemes"
    a = Assessment.objects.create(
        name=f"全省指标考评·{committees[0]}", organisation=world.organ, scheme_id="E", scheme_name="指标权重考评",
        # 申诉 as an ordinary optional kind, not E's appeal register
        scheme_source=without_appeal_register(
            (schemes / "e-weighted-indicators.yaml").read_text(encoding="utf-8")),
        scheme_file="e-weighted-indicators.yaml", year=2026, cycle="year", due_soon_days=3,
        created_by=world.bob)
    period = Period.objects.create(assessment=a, number=1, deadline=date(2026, 12, 20))
    jia, yi = (_org(name, world.organ) for name in committees)
    units = {}
    for committee, prefix, n in ((jia, "甲", per_committee[0]), (yi, "乙", per_committee[1])):
        for i in range(1, n + 1):
            units[f"{prefix}支部{i:03d}"] = _org(f"{prefix}支部{i:03d}", committee)
    AssessedUnit.objects.bulk_create(AssessedUnit(assessment=a, organisation=o)
                                     for o in units.values())

    def records(prefix, numbers, kind, status=Record.Status.SUBMITTED):
        Record.objects.bulk_create(
            Record(assessment=a, period=period, unit=units[f"{prefix}支部{i:03d}"], kind=kind,
                   data={"指标名称": "党建品牌"}, status=status, created_by=world.bob)
            for i in numbers if f"{prefix}支部{i:03d}" in units)

    records("甲", range(1, 61), "指标评分")
    records("乙", range(1, 31), "指标评分")
    records("乙", range(31, 41), "指标评分", Record.Status.DRAFT)
    records("甲", range(61, 71), "申诉")
    return SimpleNamespace(world=world, a=a, period=period, jia=jia, yi=yi, units=units)


@pytest.fixture
def province(world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return _world(world, (200, 100))


def names(board):
    return [r.unit.name for r in board.rows]


def test_counts_over_every_unit_are_the_databases(province):
    w = province
    b = progress.board(w.a, w.period, TODAY)
    assert b.unit_counts == {"all": 300, "done": 90, "overdue": 210, "soon": 0, "open": 0}
    assert b.cells == 300   # 300 units × 1 required column (申诉 is optional)
    assert b.totals == {"done": 90, "overdue": 210, "soon": 0, "open": 0}
    assert b.column_done == [90, 10]        # 指标评分, 申诉
    assert b.page.paginator.count == 300 and b.page.paginator.num_pages == 6
    assert len(b.rows) == 50 and names(b)[0] == "甲支部001" and names(b)[-1] == "甲支部050"


def test_the_rows_of_a_page(province):
    w = province
    b = progress.board(w.a, w.period, TODAY, page=2)
    assert names(b)[:2] == ["甲支部051", "甲支部052"]
    cells = {r.unit.name: r.cells for r in b.rows}
    assert cells["甲支部060"] == ["done", "optional"]
    assert cells["甲支部061"] == ["overdue", "done"]       # an appeal shows, 指标评分 is late
    assert cells["甲支部071"] == ["overdue", "optional"]
    row = next(r for r in b.rows if r.unit.name == "甲支部061")
    assert row.counts == {"done": 0, "soon": 0, "overdue": 1, "open": 0}


@pytest.mark.parametrize("state, count, pages, first, last", [
    ("done", 90, 2, "甲支部001", "乙支部030"),
    ("overdue", 210, 5, "甲支部061", "乙支部100"),
    ("soon", 0, 1, None, None),      # the deadline has passed: nothing is merely due soon
    ("open", 0, 1, None, None),
])
def test_filter_by_state(province, state, count, pages, first, last):
    w = province
    b = progress.board(w.a, w.period, TODAY, state=state)
    assert b.page.paginator.count == count and b.page.paginator.num_pages == pages
    if count:
        assert names(b)[0] == first
        assert names(progress.board(w.a, w.period, TODAY, state=state, page=pages))[-1] == last
    else:
        assert b.rows == []
    # the summary counts every state whatever the state filter
    assert b.unit_counts["all"] == 300 and b.unit_counts["done"] == 90


def test_filter_by_subtree_and_name(province):
    w = province
    jia = progress.board(w.a, w.period, TODAY, within=w.jia)
    assert jia.unit_counts == {"all": 200, "done": 60, "overdue": 140, "soon": 0, "open": 0}
    assert jia.totals["done"] == 60 and jia.column_done == [60, 10]
    yi_late = progress.board(w.a, w.period, TODAY, within=w.yi, state="overdue", page=2)
    assert yi_late.page.paginator.count == 70          # 乙支部031–100
    assert names(yi_late) == [f"乙支部{i:03d}" for i in range(81, 101)]
    found = progress.board(w.a, w.period, TODAY, query="乙支部03")   # 乙支部030–039
    assert found.unit_counts == {"all": 10, "done": 1, "overdue": 9, "soon": 0, "open": 0}
    assert names(found) == [f"乙支部{i:03d}" for i in range(30, 40)]
    assert progress.board(w.a, w.period, TODAY, query="甲支部", within=w.yi).rows == []


def test_the_page_shows_the_filters_counts_and_pages(login, province):
    w = province
    c = login(w.world.bob)
    url = reverse("progress_board", args=[w.a.pk])
    html = c.get(url, {"state": "overdue", "org": w.yi.pk}).content.decode()
    assert "单位 70 个" not in html                     # the summary is over the subtree…
    assert "符合条件的单位 100 个：" in html and "已完成 30 个，已逾期 70 个" in html
    assert '<option value="overdue" selected>已逾期（70）</option>' in html
    assert f'<option value="{w.yi.pk}" selected>　乙党委</option>' in html
    assert "第 1 / 2 页（共 70 个单位）" in html
    assert f"{url}?state=overdue&amp;org={w.yi.pk}&amp;page=2" in html
    assert html.count('<tr><th><a href=') == 50
    assert "有则填报" in html
    partial = c.get(url, {"q": "乙支部03"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="board">')
    assert partial.count('<tr><th><a href=') == 10 and 'value="乙支部03"' in partial


def test_an_organisation_outside_the_assessment_is_404(login, province):
    w = province
    c = login(w.world.bob)
    url = reverse("progress_board", args=[w.a.pk])
    assert c.get(url, {"org": w.world.other.pk}).status_code == 404
    assert c.get(url, {"org": w.world.b1.pk}).status_code == 404   # a leaf: not a subtree
    assert c.get(url, {"org": "x"}).status_code == 404
    assert c.get(url, {"state": "nonsense", "page": "999"}).status_code == 200  # all, last page


def test_filters_are_for_staff_only(login, province):
    w = province
    url = reverse("progress_board", args=[w.a.pk])
    for name in ("carol", "frank", "eve"):
        assert login(getattr(w.world, name)).get(url, {"state": "done"}).status_code == 404


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_units(login, world, monkeypatch,
                                                            django_assert_max_num_queries):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    small = _world(world, (20, 10), committees=("小甲党委", "小乙党委"))
    c = login(world.bob)
    url = reverse("progress_board", args=[small.a.pk])
    few = _queries(c, url, {})
    big = _world(world, (200, 100))
    url = reverse("progress_board", args=[big.a.pk])
    with django_assert_max_num_queries(12):
        assert c.get(url, {"state": "overdue", "org": big.yi.pk, "page": 2}).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(url, {"q": "支部"}, HTTP_HX_REQUEST="true").status_code == 200
    assert _queries(c, url, {}) == few
