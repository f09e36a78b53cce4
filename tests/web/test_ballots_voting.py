"""Voting by code on the phone page: one vote per token, clear pages for every refusal."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from kaoping.web.actions.ballots import CODE_ALPHABET, CODE_LENGTH, CategorySpec, do_create_ballot
from kaoping.web.models import BallotSheet, BallotToken, BallotVote


def _ballot(k, *, opens=-1, closes=1, tokens=3):
    a = k.make("a-linyi-branches")
    now = timezone.now()
    return do_create_ballot(
        k.world.bob, a, title="民主测评", kind="民主测评", period=a.periods.get(), scheme_period=1,
        form="choices", choices=[["好", 100], ["较好", 80], ["一般", 60], ["差", 40]],
        categories=[CategorySpec("党员", 100, tokens=tokens)],
        opens_at=now + timedelta(hours=opens), closes_at=now + timedelta(hours=closes),
        value_field="得分", scale=0.01)


def _post(client, code, w, a1="0", a2="1"):
    return client.post(f"/vote/{code}/", {f"u{w.b1.pk}": a1, f"u{w.b2.pk}": a2})


def test_codes_are_short_and_unambiguous(ballot_assessment):
    _ballot(ballot_assessment)
    for code in BallotToken.objects.values_list("code", flat=True):
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)


def test_vote_once_then_the_code_is_used(ballot_assessment, client):
    k = ballot_assessment
    ballot = _ballot(k)
    code = BallotToken.objects.first().code
    r = client.post("/vote/", {"code": code.lower()[:4] + "-" + code.lower()[4:]})
    assert r.status_code == 302 and r.url == f"/vote/{code}/"
    page = client.get(f"/vote/{code}/")
    assert page.status_code == 200
    assert "一支部" in page.text and "较好" in page.text
    r = _post(client, code, k.world)
    assert r.status_code == 302 and r.url == "/vote/done/"
    assert "投票成功" in client.get(r.url).text
    assert BallotSheet.objects.filter(ballot=ballot).count() == 1
    again = _post(client, code, k.world)
    assert again.status_code == 409 and "已使用" in again.text
    assert client.get(f"/vote/{code}/").status_code == 409
    assert BallotVote.objects.count() == 2


def test_incomplete_sheet_is_shown_again(ballot_assessment, client):
    k = ballot_assessment
    _ballot(k)
    token = BallotToken.objects.first()
    r = client.post(f"/vote/{token.code}/", {f"u{k.world.b1.pk}": "0"})
    assert r.status_code == 400 and "还有 1 个单位未评价" in r.text
    token.refresh_from_db()
    assert not token.used and not BallotSheet.objects.exists()


def test_unknown_closed_and_not_open(ballot_assessment, client):
    k = ballot_assessment
    r = client.get("/vote/ZZZZZZZZ/")
    assert r.status_code == 404 and "投票码无效" in r.text
    _ballot(k, opens=1, closes=2)
    code = BallotToken.objects.first().code
    r = client.get(f"/vote/{code}/")
    assert r.status_code == 403 and "尚未开始" in r.text
    assert _post(client, code, k.world).status_code == 403
    BallotToken.objects.all().delete()
    _ballot(k, opens=-2, closes=-1)
    code = BallotToken.objects.first().code
    r = _post(client, code, k.world)
    assert r.status_code == 403 and "已结束" in r.text
    assert not BallotSheet.objects.exists()


def test_csrf_is_checked(ballot_assessment):
    k = ballot_assessment
    _ballot(k)
    code = BallotToken.objects.first().code
    strict = Client(enforce_csrf_checks=True)
    assert _post(strict, code, k.world).status_code == 403
    assert not BallotSheet.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_code_at_the_same_instant_counts_once(ballot_assessment):
    k = ballot_assessment
    ballot = _ballot(k)
    code = BallotToken.objects.first().code
    barrier = threading.Barrier(2)
    statuses = []

    def submit():
        try:
            c = Client()
            barrier.wait()
            statuses.append(_post(c, code, k.world).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302, 409]
    assert BallotSheet.objects.filter(ballot=ballot).count() == 1
    assert BallotVote.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_closing_waits_for_a_vote_under_way_and_counts_it(ballot_assessment):
    """Votes hold the ballot in share mode, closing locks it for update: a close that starts
    while a vote is being written waits for it, and the vote is in the frozen results."""
    from django.db import transaction

    from kaoping.web.actions.ballots import do_cast_ballot, do_close_ballot

    k = ballot_assessment
    w = k.world
    ballot = _ballot(k)
    token = BallotToken.objects.select_related("category").first()
    writing, closed = threading.Event(), []

    def vote():
        try:
            with transaction.atomic():
                do_cast_ballot(token, {w.b1.pk: 0, w.b2.pk: 1})  # 好, 较好
                writing.set()
                threading.Event().wait(0.5)  # the vote's transaction is still open
        finally:
            connection.close()

    def close():
        try:
            writing.wait(10)
            closed.extend(do_close_ballot(w.bob, ballot))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote), threading.Thread(target=close)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # one sheet: 好 = 100 × 0.01 = 1.0 for 一支部, 较好 = 80 × 0.01 = 0.8 for 二支部
    assert sorted((r.unit_id, r.data["得分"]) for r in closed) == [(w.b1.pk, 1.0),
                                                                  (w.b2.pk, 0.8)]
