"""Reopening a closed ballot: the records written at close are withdrawn, the votes stay, the
unused codes work again until the new close time, and closing again writes the results
once — never a second set. Refused once the period is published (a correction is the way)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web.actions.ballots import (
    CLOSED,
    CategorySpec,
    do_close_ballot,
    do_create_ballot,
    do_reopen_ballot,
)
from kaoping.web.actions.base import ActionError
from kaoping.web.models import AuditEntry, Ballot, BallotSheet, BallotToken, Period, Record
from kaoping.web.services import scoring


@pytest.fixture
def closed(ballot_assessment):
    """Scheme A's quarterly 民主测评 scored 0–100 by 5 codes, two sheets cast, closed:
    一支部 (90 + 70) / 2 = 80 → 0.8; 二支部 (60 + 80) / 2 = 70 → 0.7."""
    k = ballot_assessment
    w = k.world
    a = k.make("a-linyi-branches")
    now = timezone.now()
    ballot = do_create_ballot(
        w.bob, a, title="第一季度民主测评", kind="民主测评", period=a.periods.get(),
        scheme_period=1, form="score", categories=[CategorySpec("党员", 100, tokens=5)],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        write="value", value_field="得分", scale=0.01)
    k.vote(ballot, "党员", {w.b1: 90, w.b2: 60})
    k.vote(ballot, "党员", {w.b1: 70, w.b2: 80})
    first = do_close_ballot(w.bob, ballot)
    assert sorted((r.unit.name, r.data["得分"]) for r in first) == [("一支部", 0.8), ("二支部", 0.7)]
    ballot.refresh_from_db()
    return k, a, ballot


def _scores(a):
    return sorted((r.unit.name, r.scheme_period, r.data["得分"], r.status)
                  for r in Record.objects.filter(assessment=a, kind="民主测评"))


def test_close_reopen_vote_close_again_holds_exactly_the_new_figures(closed):
    k, a, ballot = closed
    w = k.world
    first = set(ballot.records.values_list("pk", flat=True))
    assert len(first) == 2
    # closed: the three unused codes are refused
    with pytest.raises(ActionError, match=CLOSED):
        k.vote(ballot, "党员", {w.b1: 50, w.b2: 100})
    later = timezone.now() + timedelta(hours=2)
    withdrawn = do_reopen_ballot(w.bob, ballot, reason="两名党员会后补投", closes_at=later)
    assert set(withdrawn) == first
    assert _scores(a) == []                                  # withdrawn, not doubled
    ballot.refresh_from_db()
    assert not ballot.closed and ballot.closed_by is None and ballot.closes_at == later
    assert BallotSheet.objects.filter(ballot=ballot).count() == 2   # the votes are kept
    # the unused codes work again
    k.vote(ballot, "党员", {w.b1: 50, w.b2: 100})
    do_close_ballot(w.bob, ballot)
    # 一支部 (90 + 70 + 50) / 3 = 210 / 3 = 70 → 0.7; 二支部 (60 + 80 + 100) / 3 = 240 / 3 = 80 → 0.8
    assert _scores(a) == [("一支部", 1, 0.7, Record.Status.ACCEPTED),
                          ("二支部", 1, 0.8, Record.Status.ACCEPTED)]
    ballot.refresh_from_db()
    assert set(ballot.records.values_list("pk", flat=True)).isdisjoint(first)
    assert BallotToken.objects.filter(category__ballot=ballot, used=True).count() == 3
    # and the engine reads exactly these as the quarter's 民主测评成绩
    outcome = scoring.score(a, a.periods.get())
    assert outcome.ok, outcome.problems
    dem = outcome.result.measure("democratic")
    assert float(dem[outcome.result.index_of("一支部")].sum()) == pytest.approx(0.7)
    assert float(dem[outcome.result.index_of("二支部")].sum()) == pytest.approx(0.8)


def test_reopen_is_audited_with_before_and_after(closed):
    k, a, ballot = closed
    ids = sorted(ballot.records.values_list("pk", flat=True))
    later = timezone.now() + timedelta(hours=2)
    do_reopen_ballot(k.world.bob, ballot, reason="计票有误，重新开启", closes_at=later)
    row = AuditEntry.objects.get(action="ballot.reopen", object_id=str(ballot.pk))
    assert row.actor == k.world.bob and row.reason == "计票有误，重新开启"
    assert [r["id"] for r in row.before["records"]] == ids
    assert sorted(r["data"]["得分"] for r in row.before["records"]) == [0.7, 0.8]
    assert row.before["closed_by"] == "bob" and row.before["closed_at"]
    assert row.after == {"closed_at": None, "closes_at": later.isoformat(), "withdrawn": ids}
    withdrawn = AuditEntry.objects.filter(action="record.withdraw").order_by("object_id")
    assert [int(x.object_id) for x in withdrawn] == ids
    assert all("计票有误，重新开启" in x.reason and x.before["data"]["得分"] for x in withdrawn)


def test_reopen_refusals(closed):
    k, a, ballot = closed
    later = timezone.now() + timedelta(hours=2)
    with pytest.raises(ActionError) as e:
        do_reopen_ballot(k.world.bob, ballot, reason=" ", closes_at=later)
    assert e.value.fields == {"reason": "必填"}
    with pytest.raises(ActionError) as e:
        do_reopen_ballot(k.world.bob, ballot, reason="x",
                         closes_at=timezone.now() - timedelta(minutes=1))
    assert e.value.fields == {"closes_at": "须晚于现在"}
    with pytest.raises(ActionError, match="只有考核管理员"):
        do_reopen_ballot(k.world.frank, ballot, reason="x", closes_at=later)
    assert len(_scores(a)) == 2 and Ballot.objects.get().closed
    do_reopen_ballot(k.world.bob, ballot, reason="x", closes_at=later)
    with pytest.raises(ActionError, match="尚未结束"):
        do_reopen_ballot(k.world.bob, ballot, reason="x", closes_at=later)


def test_refused_once_the_period_is_published(closed, login):
    k, a, ballot = closed
    Period.objects.filter(pk=ballot.period_id).update(state=Period.State.PUBLISHED)
    later = timezone.now() + timedelta(hours=2)
    with pytest.raises(ActionError, match="公示后更正"):
        do_reopen_ballot(k.world.bob, ballot, reason="补投", closes_at=later)
    c = login(k.world.bob)
    page = c.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "本期结果已公示" in page and "公示后更正" in page
    assert f'action="/ballots/{ballot.pk}/reopen/"' not in page
    r = c.post(f"/ballots/{ballot.pk}/reopen/",
               {"reason": "补投", "closes_at": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 400 and "公示后更正" in r.content.decode()
    assert Ballot.objects.get().closed and len(_scores(a)) == 2
    assert not AuditEntry.objects.filter(action__in=["ballot.reopen", "record.withdraw"]).exists()


def test_reopen_through_the_page(closed, login):
    k, a, ballot = closed
    c = login(k.world.bob)
    page = c.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "重新开启测评" in page and "已写入 2 条记录" in page
    when = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    bad = c.post(f"/ballots/{ballot.pk}/reopen/", {"reason": "", "closes_at": when})
    assert bad.status_code == 400
    assert '<span class="errorlist">必填</span>' in bad.content.decode()
    assert Ballot.objects.get().closed and len(_scores(a)) == 2
    r = c.post(f"/ballots/{ballot.pk}/reopen/", {"reason": "会后补投", "closes_at": when})
    assert r.status_code == 302
    assert not Ballot.objects.get().closed and _scores(a) == []
    page = c.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "投票中" in page and "结束测评并写入结果" in page


@pytest.mark.parametrize("who", ["frank", "carol", "dave", "eve"])
def test_others_get_404(closed, client, who):
    k, a, ballot = closed
    client.force_login(getattr(k.world, who))
    when = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/ballots/{ballot.pk}/reopen/", {"reason": "x", "closes_at": when})
    assert r.status_code == 404
    assert Ballot.objects.get().closed and len(_scores(a)) == 2


def test_anonymous_is_sent_to_login(closed, client):
    k, a, ballot = closed
    r = client.post(f"/ballots/{ballot.pk}/reopen/", {"reason": "x"})
    assert r.status_code == 302 and r.url.startswith("/login/")
    assert client.get(f"/ballots/{ballot.pk}/reopen/").status_code == 302
    assert Ballot.objects.get().closed
