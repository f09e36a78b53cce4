"""Every assessor page of a ballot: bob (考核管理员) and alice (系统管理员 above) may; the
leader, the reporters and the outsider get 404; anonymous users are sent to login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web.actions.ballots import CategorySpec, do_create_ballot
from kaoping.web.models import Ballot, BallotSheet, BallotToken, Record


@pytest.fixture
def ballot(ballot_assessment):
    k = ballot_assessment
    a = k.make("a-linyi-branches")
    now = timezone.now()
    return do_create_ballot(
        k.world.bob, a, title="民主测评", kind="民主测评", period=a.periods.get(), scheme_period=1,
        form="score", categories=[CategorySpec("党员", 100, tokens=2, raters=[k.world.frank])],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        value_field="得分", scale=0.01)


def _pages(b):
    a = b.assessment_id
    return [f"/assessments/{a}/ballots/", f"/assessments/{a}/ballots/new/",
            f"/ballots/{b.pk}/", f"/ballots/{b.pk}/codes/"]


def test_assessors_see_every_page(ballot, world, login):
    for user in (world.bob, world.alice):
        c = login(user)
        for url in _pages(ballot):
            assert c.get(url).status_code == 200, (user, url)


@pytest.mark.parametrize("who", ["frank", "carol", "dave", "eve"])
def test_others_get_404(ballot, world, client, who):
    client.force_login(getattr(world, who))
    for url in _pages(ballot):
        assert client.get(url).status_code == 404, url
    category = ballot.categories.get()
    assert client.post(f"/ballots/{ballot.pk}/issue/",
                       {"category": category.pk, "count": 5}).status_code == 404
    assert client.post(f"/ballots/{ballot.pk}/close/").status_code == 404
    assert client.post(f"/assessments/{ballot.assessment_id}/ballots/new/",
                       {"title": "x"}).status_code == 404
    assert BallotToken.objects.count() == 3
    assert Ballot.objects.get().closed_at is None


def test_anonymous_is_sent_to_login(ballot, client):
    for url in [*_pages(ballot), f"/ballots/{ballot.pk}/vote/", "/ballots/mine/"]:
        r = client.get(url)
        assert r.status_code == 302 and r.url.startswith("/login/"), url


def test_named_rater_votes_logged_in_others_cannot(ballot, world, login):
    c = login(world.carol)
    assert c.get(f"/ballots/{ballot.pk}/vote/").status_code == 404
    c = login(world.frank)
    assert "民主测评" in c.get("/ballots/mine/").text
    r = c.post(f"/ballots/{ballot.pk}/vote/", {f"u{world.b1.pk}": "90", f"u{world.b2.pk}": "80"})
    assert r.status_code == 302
    assert c.post(f"/ballots/{ballot.pk}/vote/",
                  {f"u{world.b1.pk}": "90", f"u{world.b2.pk}": "80"}).status_code == 409
    assert BallotSheet.objects.count() == 1
    # the named token is not an anonymous code
    code = BallotToken.objects.get(user=world.frank).code
    assert c.get(f"/vote/{code}/").status_code == 404


def test_issue_and_close_through_the_pages(ballot, world, login):
    c = login(world.bob)
    category = ballot.categories.get()
    r = c.post(f"/ballots/{ballot.pk}/issue/", {"category": category.pk, "count": 3})
    assert r.status_code == 302
    assert BallotToken.objects.filter(user=None).count() == 5
    code = BallotToken.objects.filter(user=None).first().code
    assert code in c.get(f"/ballots/{ballot.pk}/codes/").text
    c.post(f"/vote/{code}/", {f"u{world.b1.pk}": "90", f"u{world.b2.pk}": "70"})
    detail = c.get(f"/ballots/{ballot.pk}/")
    assert "90.00" in detail.text and "1 / 6" in detail.text  # 5 codes + frank's token
    r = c.post(f"/ballots/{ballot.pk}/close/")
    assert r.status_code == 302
    assert sorted(Record.objects.values_list("data__得分", flat=True)) == [0.7, 0.9]


def test_create_through_the_page(ballot_assessment, world, login):
    a = ballot_assessment.make("d-leadership-teams", classes={"一支部": "镇街", "二支部": "镇街"})
    c = login(world.bob)
    form = c.get(f"/assessments/{a.pk}/ballots/new/?kind=述职评议")
    # the scheme's grades, one row each
    assert 'name="choice_label" value="好"' in form.text
    assert 'name="choice_points" value="100"' in form.text
    data = {"kind": "述职评议", "title": "述职评议", "period": a.periods.get().pk,
            "form": "choices", "choice_label": ["好", "较好", "一般", "差"],
            "choice_points": ["100", "80", "60", "40"],
            "cat_name": ["常委"], "cat_weight": ["100"], "cat_tokens": ["12"], "cat_target": [""],
            "cat_raters": [""], "opens_at": "2026-01-10T09:00",
            "closes_at": "2026-01-10T12:00", "must_rate_all": "1", "write": "distribution",
            "choice_field": "档次", "count_field": "票数", "scale": "1",
            "units": [world.b1.pk, world.b2.pk]}
    bad = c.post(f"/assessments/{a.pk}/ballots/new/", {**data, "count_field": "人数"})
    assert bad.status_code == 400 and not Ballot.objects.exists()
    r = c.post(f"/assessments/{a.pk}/ballots/new/", data)
    assert r.status_code == 302, r.content.decode()
    b = Ballot.objects.get()
    assert b.choices[1] == ["较好", 80.0]
    assert BallotToken.objects.filter(category__ballot=b).count() == 12
