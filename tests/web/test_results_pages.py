"""Long results a page at a time (issue 8, point 5): a ranking of 120 units shows 50 on a
page (pages 1–3: 50 + 50 + 20) with 上一页 / 下一页; the dashboard draws one page of the
ranking but counts the grades and the component means over all 120 units.

The 120 units: 单位001 … 单位120, unit k scoring 200 − k (rank k), grade 先进 for the first
30 and 达标 for the other 90; one component, equal to the score, so its mean over all
units is (199 + 80) / 2 = 139.5 and its largest value 199."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from helpers import stored_run
from kaoping.web.dashboard import dashboard_data
from kaoping.web.models import Publication


@pytest.fixture
def big(dashboard_world):
    d = dashboard_world
    units = [{"unit": f"单位{k:03d}", "score": 200.0 - k, "rank": k,
              "grade": "先进党组织" if k <= 30 else "达标党组织", "flags": [],
              "components": {"网上考核得分": 200.0 - k}} for k in range(1, 121)]
    run = stored_run(d.a, d.mar, d.world.bob, {"rounding": 2, "units": units})
    Publication.objects.create(assessment=d.a, period=d.mar, revision=1, scoring_run=run,
                               by=d.world.bob)
    return d, run


def test_a_run_page_shows_50_units_a_page(big, login):
    d, run = big
    client = login(d.world.bob)
    first = client.get(reverse("scoring_run", args=[run.pk])).content.decode()
    assert "第 1 / 3 页（共 120 个单位）" in first and "下一页" in first and "上一页" not in first
    assert "单位001" in first and "单位050" in first and "单位051" not in first
    last = client.get(reverse("scoring_run", args=[run.pk]) + "?page=3").content.decode()
    assert "单位101" in last and "单位120" in last and "单位100" not in last
    assert "上一页" in last and "下一页" not in last
    # a page past the end is the last page
    assert "单位120" in client.get(reverse("scoring_run", args=[run.pk]) + "?page=9").content.decode()


def test_published_and_public_pages_keep_the_revision_across_pages(big, login):
    d, run = big
    d.a.public_results = True
    d.a.save()
    html = login(d.world.bob).get(reverse("period_results", args=[d.mar.pk])
                                  + "?revision=1&page=2").content.decode()
    assert "单位051" in html and "单位001" not in html
    assert "?revision=1&amp;page=3" in html and "?revision=1&amp;page=1" in html
    html = Client().get(reverse("public_results", args=[d.mar.pk]) + "?page=3").content.decode()
    assert "单位120" in html and "单位001" not in html


def test_the_dashboard_draws_one_page_and_counts_all(big):
    d, _ = big
    data = dashboard_data(d.a, page=2)
    assert [u["unit"] for u in data["latest"]["units"]] == [f"单位{k:03d}" for k in range(51, 101)]
    assert data["page"] == {"number": 2, "pages": 3, "count": 120}
    assert data["units"] == [f"单位{k:03d}" for k in range(51, 101)]
    assert data["trend"]["score"]["单位051"] == [None, None, 149.0]  # not in 1月, 2月
    assert data["grades"]["counts"] == [30, 90, 0]  # over all 120, not this page
    assert data["profile"] == {"mean": [139.5], "max": [199.0]}
    # the last page also lists the units seen only in earlier periods
    last = dashboard_data(d.a, page=3)
    # (in the order they first appear: 1月 ranks 一支部 before 二支部)
    assert last["units"][-2:] == ["一支部", "二支部"]
