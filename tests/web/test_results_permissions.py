"""Who reads what of the results: scoring runs are the assessors'; published results are
the units' too (the ranking is 公示), but each reporter opens only its own explanation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.scoring import do_run_scoring
from webhelpers import publish_confirmed


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-15")
    w.r2 = w.time_task(w.world.b2, "2026-01-18")
    w.run = do_run_scoring(w.world.bob, w.jan)
    return w


def explain_url(w, org):
    return reverse("result_explain", args=[w.jan.pk, org.pk])


def scoring_pages(w):
    return [reverse("scoring", args=[w.a.pk]), reverse("scoring_run", args=[w.run.pk]),
            reverse("scoring_explain", args=[w.run.pk, w.world.b1.pk])]


def test_assessor_reads_runs_and_explanations(w, login):
    c = login(w.world.bob)
    for url in scoring_pages(w):
        assert c.get(url).status_code == 200, url
    text = c.get(reverse("scoring_explain", args=[w.run.pk, w.world.b2.pk])).content.decode()
    assert "超期 3 天：1 − 0.1×3 = 0.7" in text
    assert reverse("verify_record", args=[w.r2.pk]) in text  # the record is linked
    assert c.get(reverse("scoring_explain", args=[w.run.pk, w.world.other_branch.pk])
                 ).status_code == 404


@pytest.mark.parametrize("who", ["carol", "dave", "eve", "frank"])
def test_runs_are_not_for_others(w, login, who):
    c = login(getattr(w.world, who))
    for url in scoring_pages(w):
        assert c.get(url).status_code == 404, (who, url)
    assert c.post(reverse("scoring_run_new", args=[w.a.pk]), {"period": w.jan.pk}
                  ).status_code == 404
    assert c.post(reverse("scoring_publish", args=[w.run.pk])).status_code == 404
    w.jan.refresh_from_db()
    assert not w.jan.locked


def test_unpublished_period_has_no_results_page(w, login):
    for who in ("bob", "carol"):
        c = login(getattr(w.world, who))
        assert c.get(reverse("period_results", args=[w.jan.pk])).status_code == 404
        assert c.get(explain_url(w, w.world.b1)).status_code == 404


def test_carol_sees_the_ranking_and_only_her_own_explanation(w, login):
    publish_confirmed(w.world.bob, w.run)
    c = login(w.world.carol)
    page = c.get(reverse("period_results", args=[w.jan.pk])).content.decode()
    assert "一支部" in page and "二支部" in page and "0.70" in page  # 公示: the ranking
    assert explain_url(w, w.world.b1) in page
    assert explain_url(w, w.world.b2) not in page
    assert "不予上报先进基层党组织" not in page  # 二支部's flag is not shown to 一支部
    own = c.get(explain_url(w, w.world.b1))
    assert own.status_code == 200 and "得分说明：一支部" in own.content.decode()
    assert reverse("record_history", args=[w.r1.pk]) in own.content.decode()
    assert c.get(explain_url(w, w.world.b2)).status_code == 404


def test_dave_cannot_open_one_branch_explanation_by_url(w, login):
    publish_confirmed(w.world.bob, w.run)
    c = login(w.world.dave)
    assert c.get(explain_url(w, w.world.b1)).status_code == 404
    assert c.get(explain_url(w, w.world.b1) + "?revision=1").status_code == 404
    own = c.get(explain_url(w, w.world.b2)).content.decode()
    assert "不予上报先进基层党组织" in own and "第 2 名" in own


def test_leader_reads_every_explanation(w, login):
    publish_confirmed(w.world.bob, w.run)
    c = login(w.world.frank)
    for org in (w.world.b1, w.world.b2):
        assert c.get(explain_url(w, org)).status_code == 200


def test_eve_sees_nothing(w, login):
    publish_confirmed(w.world.bob, w.run)
    c = login(w.world.eve)
    assert c.get(reverse("period_results", args=[w.jan.pk])).status_code == 404
    for org in (w.world.b1, w.world.b2):
        assert c.get(explain_url(w, org)).status_code == 404
    assert w.a.name not in c.get(reverse("results_index")).content.decode()


def test_anonymous_is_sent_to_login(w, client):
    publish_confirmed(w.world.bob, w.run)
    for url in [reverse("results_index"), reverse("period_results", args=[w.jan.pk]),
                explain_url(w, w.world.b1), *scoring_pages(w)]:
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login")), url
    resp = client.post(reverse("scoring_publish", args=[w.run.pk]))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_results_index_links_published_revisions(w, login):
    publish_confirmed(w.world.bob, w.run)
    page = login(w.world.carol).get(reverse("results_index")).content.decode()
    assert reverse("period_results", args=[w.jan.pk]) in page
    assert reverse("scoring", args=[w.a.pk]) not in page
    assert reverse("scoring", args=[w.a.pk]) in login(w.world.bob).get(
        reverse("results_index")).content.decode()
