"""Who may verify: the assessment's assessors and named verifiers — never a reporter, not
even on its own unit's records; outsiders see nothing; anonymous users are sent to login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.people import do_create_user, do_grant_role
from kaoping.web.models import Record, Role

POSTS = [("verify_accept", {}), ("verify_return", {"reason": "x"}),
         ("verify_adjust", {"field": "完成日期", "value": "2026-01-16", "reason": "x"}),
         ("record_correct", {"field": "完成日期", "value": "2026-01-16", "reason": "x"})]


@pytest.fixture
def rec(scheme_a_assessment):
    w = scheme_a_assessment
    return w, w.time_task(w.world.b1, "2026-01-15", by=w.world.carol)


def pages(w, r):
    return [reverse("verification_queue", args=[w.a.pk]), reverse("verify_record", args=[r.pk])]


@pytest.mark.parametrize("who", ["carol", "dave", "eve", "frank"])
def test_others_cannot_verify(rec, login, who):
    w, r = rec
    c = login(getattr(w.world, who))
    for url in pages(w, r):
        assert c.get(url).status_code == 404, (who, url)
    for name, data in POSTS:
        assert c.post(reverse(name, args=[r.pk]), data).status_code == 404, (who, name)
    r.refresh_from_db()
    assert r.status == Record.Status.SUBMITTED and r.data["完成日期"] == "2026-01-15"
    assert not r.verifications.exists()


def test_a_reporter_named_as_verifier_still_cannot_verify(rec, login):
    w, r = rec
    w.a.verifiers.add(w.world.carol, w.world.dave)
    for who in (w.world.carol, w.world.dave):
        c = login(who)
        assert c.get(reverse("verify_record", args=[r.pk])).status_code == 404
        assert c.post(reverse("verify_accept", args=[r.pk])).status_code == 404
        assert c.get(reverse("verification_queue", args=[w.a.pk])).status_code == 404


def test_named_verifier_may_verify_but_not_correct(rec, login):
    w, r = rec
    w.a.verifiers.add(w.world.frank)
    c = login(w.world.frank)
    assert "核查" in c.get(reverse("verification_index")).content.decode()
    assert c.get(reverse("verification_queue", args=[w.a.pk])).status_code == 200
    assert c.post(reverse("verify_accept", args=[r.pk])).status_code == 302
    r.refresh_from_db()
    assert r.status == Record.Status.ACCEPTED
    # correction after publication is the assessors' act only
    assert c.post(reverse("record_correct", args=[r.pk]), POSTS[3][1]).status_code == 404


def test_a_verifier_never_verifies_its_own_units_records(rec, login):
    w, r = rec
    grace = do_create_user(None, username="grace", password=w.world.password)
    do_grant_role(None, grace, w.world.organ, Role.ASSESSOR)
    do_grant_role(None, grace, w.world.b1, Role.REPORTER)
    c = login(grace)
    assert c.get(reverse("verify_record", args=[r.pk])).status_code == 404
    other = w.time_task(w.world.b2, "2026-01-15")
    assert c.get(reverse("verify_record", args=[other.pk])).status_code == 200
    queue = c.get(reverse("verification_queue", args=[w.a.pk])).content.decode()
    assert reverse("verify_record", args=[other.pk]) in queue
    assert reverse("verify_record", args=[r.pk]) not in queue
    assert f'name="records" value="{r.pk}"' not in queue


def test_drafts_are_not_in_the_verifiers_reach(rec, login):
    w, _ = rec
    draft = w.time_task(w.world.b2, "2026-01-15", status=Record.Status.DRAFT)
    assert login(w.world.bob).get(reverse("verify_record", args=[draft.pk])).status_code == 404


def test_anonymous_is_sent_to_login(rec, client):
    w, r = rec
    for url in [reverse("verification_index"), *pages(w, r)]:
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))
    for name, data in POSTS:
        resp = client.post(reverse(name, args=[r.pk]), data)
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_index_lists_only_verifiable_assessments(rec, login):
    w, _ = rec
    assert w.a.name in login(w.world.bob).get(reverse("verification_index")).content.decode()
    assert w.a.name not in login(w.world.carol).get(
        reverse("verification_index")).content.decode()
    assert w.a.name not in login(w.world.eve).get(reverse("verification_index")).content.decode()


def test_navigation_shows_verification_to_verifiers_only(rec, login):
    w, _ = rec
    link = f'href="{reverse("verification_index")}"'
    assert link in login(w.world.bob).get(reverse("home")).content.decode()
    assert link not in login(w.world.carol).get(reverse("home")).content.decode()
    assert link not in login(w.world.frank).get(reverse("home")).content.decode()
    w.a.verifiers.add(w.world.frank, w.world.carol)
    assert link in login(w.world.frank).get(reverse("home")).content.decode()
    assert link not in login(w.world.carol).get(reverse("home")).content.decode()
