"""/healthz/ answers "ok" to anyone, without a session, while the database answers."""

from unittest import mock

from django.db import DatabaseError


def test_health_check_answers_ok_without_login(client, db):
    r = client.get("/healthz/")
    assert r.status_code == 200
    assert r.content == b"ok\n"
    assert "sessionid" not in r.cookies


def test_health_check_reports_an_unavailable_database(client, db):
    with mock.patch("kaoping.web.views.health.connection.cursor",
                    side_effect=DatabaseError("down")):
        r = client.get("/healthz/")
    assert r.status_code == 503


def test_health_check_accepts_only_get(client, db):
    assert client.post("/healthz/").status_code == 405
