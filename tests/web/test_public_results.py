"""The public results page (no login): only assessments with public_results set."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.actions.scoring import do_run_scoring
from webhelpers import publish_confirmed


def publish(w):
    w.time_task(w.world.b1, "2026-01-15")
    w.time_task(w.world.b2, "2026-01-18")
    return publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))


def test_not_public_unless_chosen(scheme_a_assessment, client):
    w = scheme_a_assessment
    publish(w)
    assert w.a.name not in client.get(reverse("public_index")).content.decode()
    assert client.get(reverse("public_results", args=[w.jan.pk])).status_code == 404


def test_public_page_without_login(scheme_a_assessment, client):
    w = scheme_a_assessment
    w.a.public_results = True
    w.a.save()
    assert client.get(reverse("public_results", args=[w.jan.pk])).status_code == 404  # not yet
    pub = publish(w)
    assert pub.public
    index = client.get(reverse("public_index"))
    assert index.status_code == 200
    assert reverse("public_results", args=[w.jan.pk]) in index.content.decode()
    page = client.get(reverse("public_results", args=[w.jan.pk])).content.decode()
    assert "一支部" in page and "1.00" in page and "0.70" in page
    # read-only: no explanations, flags or forms
    assert "不予上报" not in page and "<form" not in page.split("</header>")[1]
    assert reverse("result_explain", args=[w.jan.pk, w.world.b1.pk]) not in page
    # switching public_results off hides it again
    w.a.public_results = False
    w.a.save()
    assert client.get(reverse("public_results", args=[w.jan.pk])).status_code == 404
