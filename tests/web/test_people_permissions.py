"""Every users-and-roles page is the 系统管理员's, and only over its own subtree's people."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.models import Membership


def _pages(target, membership):
    return [
        ("get", reverse("user_list"), {}),
        ("get", reverse("user_create"), {}),
        ("post", reverse("user_create"), {"username": "x"}),
        ("get", reverse("user_detail", args=[target.pk]), {}),
        ("post", reverse("user_grant_role", args=[target.pk]), {"role": "admin"}),
        ("post", reverse("user_reset_password", args=[target.pk]),
         {"password1": "Xin-mima-2026-ok", "password2": "Xin-mima-2026-ok"}),
        ("post", reverse("user_set_active", args=[target.pk]), {"active": "0"}),
        ("post", reverse("membership_revoke", args=[membership.pk]), {}),
    ]


def _unchanged(world, who):
    who.refresh_from_db()
    assert who.is_active and who.check_password(world.password)


@pytest.mark.parametrize("who", ["bob", "carol", "eve", "frank"])
def test_other_roles_get_404(login, world, who):
    client = login(getattr(world, who))
    target = world.dave
    for method, url, data in _pages(target, Membership.objects.get(user=target)):
        assert getattr(client, method)(url, data).status_code == 404, url
    _unchanged(world, target)
    assert Membership.objects.filter(user=target).count() == 1


def test_anonymous_is_sent_to_login(client, world):
    for method, url, data in _pages(world.dave, Membership.objects.get(user=world.dave)):
        r = getattr(client, method)(url, data)
        assert r.status_code == 302 and r["Location"].startswith(reverse("login")), url


def test_alice_cannot_reach_people_outside_her_subtree(login, world):
    client = login(world.alice)
    membership = Membership.objects.get(user=world.eve)
    for method, url, data in _pages(world.eve, membership)[3:]:
        assert getattr(client, method)(url, data).status_code == 404, url
    _unchanged(world, world.eve)
    assert Membership.objects.filter(pk=membership.pk).exists()
