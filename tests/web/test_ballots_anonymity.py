"""Anonymity: after voting, nothing in the database links a vote to a token or a person."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from kaoping.web.actions.ballots import CategorySpec, do_cast_ballot, do_create_ballot
from kaoping.web.models import AuditEntry, BallotSheet, BallotToken, BallotVote


def _columns(model) -> dict[str, object]:
    with connection.cursor() as cursor:
        return {c.name: c for c in connection.introspection.get_table_description(
            cursor, model._meta.db_table)}


def _references(model) -> set[str]:
    with connection.cursor() as cursor:
        return {target for _, target in connection.introspection.get_relations(
            cursor, model._meta.db_table).values()}


def test_nothing_links_a_vote_to_a_token_or_a_person(ballot_assessment, client):
    k = ballot_assessment
    w = k.world
    a = k.make("a-linyi-branches")
    now = timezone.now()
    ballot = do_create_ballot(
        w.bob, a, title="民主测评", kind="民主测评", period=a.periods.get(), scheme_period=1,
        form="score", categories=[CategorySpec("党员", 100, tokens=2, raters=[w.frank])],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        value_field="得分", scale=0.01)
    audited = AuditEntry.objects.count()
    code = BallotToken.objects.filter(user=None).first().code
    client.post(f"/vote/{code}/", {f"u{w.b1.pk}": "90", f"u{w.b2.pk}": "70"})
    do_cast_ballot(BallotToken.objects.get(user=w.frank), {w.b1.pk: 80, w.b2.pk: 60})
    assert BallotSheet.objects.count() == 2 and BallotVote.objects.count() == 4

    users, tokens = get_user_model()._meta.db_table, BallotToken._meta.db_table
    sheet_cols, vote_cols = _columns(BallotSheet), _columns(BallotVote)
    token_cols = _columns(BallotToken)
    # the vote tables: no column refers to tokens or users, and none holds a time
    for model in (BallotSheet, BallotVote):
        assert not _references(model) & {users, tokens}, model
    assert set(sheet_cols) == {"id", "ballot_id", "category_id"}
    assert set(vote_cols) == {"id", "sheet_id", "unit_id", "choice", "score"}
    # the token table: used or not, no time and no reference to a sheet or a vote
    assert set(token_cols) == {"id", "category_id", "code", "user_id", "used"}
    assert not _references(BallotToken) & {BallotSheet._meta.db_table, BallotVote._meta.db_table}
    # sheet ids are random, not a sequence that follows the order of voting
    assert all(len(str(s.pk)) == 36 for s in BallotSheet.objects.all())
    # voting wrote no audit row (its time, or its rater, would be a link)
    assert AuditEntry.objects.count() == audited
    assert ballot.sheets.count() == 2
