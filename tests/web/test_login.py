"""Login: required everywhere but the login page; locked after repeated failures."""

from __future__ import annotations

from django.urls import reverse


def test_home_requires_login(client, world):
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_login_and_home(client, world):
    r = client.post(reverse("login"), {"username": "carol", "password": world.password})
    assert r.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_lockout_after_repeated_failures(client, world, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        r = client.post(reverse("login"), {"username": "carol", "password": "wrong"})
        assert r.status_code == 200
    # even the right password is refused while locked
    r = client.post(reverse("login"), {"username": "carol", "password": world.password})
    assert r.status_code == 200
    assert "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session
