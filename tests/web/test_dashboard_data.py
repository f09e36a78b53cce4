"""The leaders' dashboard data, worked by hand from the published result documents.

1月 revision 1: 一支部 92.5 (1st, 先进), 二支部 80 (2nd, 达标).
2月 revision 1: 一支部 88 (1st), 二支部 55 (2nd) — replaced by revision 2:
2月 revision 2: 二支部 91 (1st, 先进; 网上 92, 年终 90), 一支部 88 (2nd, 达标; 86, 90).
So the ranking is 2月 rev. 2; the trends take 1月 rev. 1 and 2月 rev. 2; the grades are
one 先进, one 达标, no 未达标 (in the scheme's order).
"""

from __future__ import annotations

import json
import re

from django.urls import reverse

from helpers import stored_run
from kaoping.web.dashboard import dashboard_data
from kaoping.web.models import Period

EXPECTED = {
    "periods": [(1, "1月", 1), (2, "2月", 2)],
    "units": ["二支部", "一支部"],
    "trend": {"periods": ["1月", "2月"],
              "score": {"二支部": [80.0, 91.0], "一支部": [92.5, 88.0]},
              "rank": {"二支部": [2, 1], "一支部": [1, 2]}},
    "components": {"names": ["网上考核得分", "年终分组考评得分"]},
    "latest": {"period": "2月", "number": 2, "revision": 2, "units": [
        {"unit": "二支部", "score": 91.0, "rank": 1, "grade": "先进党组织", "flags": [],
         "components": [92.0, 90.0]},
        {"unit": "一支部", "score": 88.0, "rank": 2, "grade": "达标党组织", "flags": [],
         "components": [86.0, 90.0]}]},
    "grades": {"names": ["先进党组织", "达标党组织", "未达标党组织"], "counts": [1, 1, 0]},
    "rounding": 2,
}


def check(data):
    assert [(p["number"], p["label"], p["revision"]) for p in data["periods"]] == EXPECTED["periods"]
    for key in ("units", "trend", "components", "latest", "grades", "rounding"):
        assert data[key] == EXPECTED[key], key


def test_data_by_hand(dashboard_world):
    check(dashboard_data(dashboard_world.a))


def test_json_script_on_the_page(login, dashboard_world):
    html = login(dashboard_world.world.frank).get(
        reverse("dashboard", args=[dashboard_world.a.pk])).content.decode()
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>',
                      html, re.S)
    check(json.loads(found.group(1)))
    # the ranking table shows the scheme's places
    assert "91.00" in html and "88.00" in html and "先进党组织" in html
    assert "第 2 次修订" in html


def test_json_endpoint(login, dashboard_world):
    r = login(dashboard_world.world.bob).get(
        reverse("dashboard_data", args=[dashboard_world.a.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    check(r.json())


def test_units_missing_in_a_period_have_gaps(dashboard_world):
    # a third unit appears only in 1月: it trails the latest ranking, with a gap for 2月
    from kaoping.web.models import Publication

    pub = Publication.objects.get(period=dashboard_world.jan)
    second = pub.scoring_run.units.get(position=1)
    second.pk, second.position, second.name, second.unit = None, 2, "三支部", None
    second.score, second.rank = None, None
    second.save()
    data = dashboard_data(dashboard_world.a)
    assert data["units"] == ["二支部", "一支部", "三支部"]
    assert data["trend"]["score"]["三支部"] == [None, None]
    assert data["trend"]["rank"]["三支部"] == [None, None]   # rank 0: not ranked


def test_no_publication_yet(login, dashboard_world):
    from kaoping.web.models import Publication, ScoringRun

    Publication.objects.all().delete()
    ScoringRun.objects.all().delete()
    Period.objects.update(state=Period.State.OPEN)
    data = dashboard_data(dashboard_world.a)
    assert data["latest"] is None and data["periods"] == [] and data["grades"] is None
    html = login(dashboard_world.world.frank).get(
        reverse("dashboard", args=[dashboard_world.a.pk])).content.decode()
    assert "尚无公示结果" in html


def test_scheme_without_grades_has_no_grade_chart(login, progress_world):
    from kaoping.web.models import Publication

    w = progress_world   # scheme A has no grades
    run = stored_run(w.a, w.jan, w.world.bob, {"rounding": 2, "units": [
            {"unit": "一支部", "score": 1.5, "rank": 1, "grade": None, "flags": [],
             "components": {"四个季度绩效考评成绩之和": 1.5, "书记抓党建述职评议成绩": 0.0}}]})
    Publication.objects.create(assessment=w.a, period=w.jan, revision=1, scoring_run=run,
                               by=w.world.bob)
    data = dashboard_data(w.a)
    assert data["grades"] is None
    html = login(w.world.frank).get(reverse("dashboard", args=[w.a.pk])).content.decode()
    assert 'id="chart-grades"' not in html and 'id="chart-components"' in html


def test_assets_are_local(login, dashboard_world):
    html = login(dashboard_world.world.frank).get(
        reverse("dashboard", args=[dashboard_world.a.pk])).content.decode()
    assert "/static/kaoping/vendor/echarts/echarts.min.js" in html
    assert "/static/kaoping/dashboard.js" in html
    assert "http://" not in html and "https://" not in html
