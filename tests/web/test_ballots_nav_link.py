"""The 我的测评 link is shown only to named raters (a ballot token issued to them by name),
at the cost of one query per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaoping.web.models import Ballot, BallotToken, RaterCategory

LINK = "我的测评</a>"


@pytest.fixture
def named(ballot_assessment):
    """A ballot of scheme A's 民主测评 with frank (领导) named as a rater, and one anonymous code."""
    k = ballot_assessment
    a = k.make("a-linyi-branches")
    now = timezone.now()
    ballot = Ballot.objects.create(assessment=a, title="民主测评", kind="民主测评",
                                   period=a.periods.get(), opens_at=now,
                                   closes_at=now + timedelta(hours=2), created_by=k.world.bob)
    category = RaterCategory.objects.create(ballot=ballot, name="机关党委", weight=100)
    BallotToken.objects.create(category=category, code="NAMEDFRANK", user=k.world.frank)
    BallotToken.objects.create(category=category, code="ANONYMOUS1")
    return k.world


def _token_queries(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    return html, sum(1 for q in ctx.captured_queries if "web_ballottoken" in q["sql"])


def test_a_named_rater_sees_the_link(login, named):
    c = login(named.frank)
    html, queries = _token_queries(c, reverse("home"))
    assert f'<a href="{reverse("my_ballots")}">{LINK}' in html and queries == 1
    assert "民主测评" in c.get(reverse("my_ballots")).content.decode()


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "eve"])
def test_others_do_not(login, named, name):
    c = login(getattr(named, name))
    html, queries = _token_queries(c, reverse("home"))
    assert LINK not in html and queries == 1
    # the page itself stays harmless for them: nothing to vote on
    assert "没有需要您参加的实名测评" in c.get(reverse("my_ballots")).content.decode()


def test_a_used_token_still_shows_the_link(login, named):
    BallotToken.objects.filter(user=named.frank).update(used=True)
    html, _ = _token_queries(login(named.frank), reverse("home"))
    assert LINK in html


def test_anonymous_pages_ask_nothing(client, named):
    html, queries = _token_queries(client, reverse("login"))
    assert LINK not in html and queries == 0
    r = client.get(reverse("my_ballots"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
