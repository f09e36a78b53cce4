"""Roles: granted on organisations in the admin's subtree, revoked, and read as 我的角色."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.people import do_revoke_role
from kaoping.web.models import AuditEntry, Membership, Role


def test_grant_a_role(login, world):
    client = login(world.alice)
    page = client.get(reverse("user_detail", args=[world.carol.pk])).content.decode()
    assert "一支部" in page and "填报员" in page
    r = client.post(reverse("user_grant_role", args=[world.carol.pk]),
                    {"organisation": world.b2.pk, "role": Role.LEADER.value})
    assert r.status_code == 302
    assert Membership.objects.filter(user=world.carol, organisation=world.b2,
                                     role=Role.LEADER).exists()
    entry = AuditEntry.objects.get(action="role.grant", actor=world.alice)
    assert entry.organisation == world.b2 and entry.after["role"] == "领导"


def test_grant_refuses_an_organisation_outside_the_subtree(login, world):
    r = login(world.alice).post(reverse("user_grant_role", args=[world.carol.pk]),
                                {"organisation": world.other.pk, "role": Role.ADMIN.value})
    assert r.status_code == 400 and 'id="id_organisation_errors"' in r.content.decode()
    assert not Membership.objects.filter(user=world.carol, organisation=world.other).exists()


def test_revoke_a_role(login, world):
    leader = Membership.objects.create(user=world.carol, organisation=world.b1, role=Role.LEADER)
    r = login(world.alice).post(reverse("membership_revoke", args=[leader.pk]), {"reason": "调岗"})
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=leader.pk).exists()
    entry = AuditEntry.objects.get(action="role.revoke")
    assert (entry.actor, entry.reason, entry.before["role"]) == (world.alice, "调岗", "领导")


def test_a_users_only_role_is_not_revoked(login, world):
    only = Membership.objects.get(user=world.carol)
    r = login(world.alice).post(reverse("membership_revoke", args=[only.pk]))
    assert r.status_code == 400 and "这是该用户唯一的角色，不能撤销" in r.content.decode()
    assert Membership.objects.filter(pk=only.pk).exists()


def test_the_last_admin_is_not_revoked(world):
    Membership.objects.create(user=world.alice, organisation=world.organ, role=Role.LEADER)
    with pytest.raises(ActionError, match="不能撤销最后一个系统管理员"):
        do_revoke_role(world.alice, Membership.objects.get(user=world.alice, role=Role.ADMIN))


def test_my_roles_for_everyone(login, world):
    for who, expected in [("carol", "一支部"), ("bob", "考核管理员"), ("eve", "其他支部")]:
        page = login(getattr(world, who)).get(reverse("my_roles")).content.decode()
        assert expected in page
    page = login(world.carol).get(reverse("my_roles")).content.decode()
    assert "本单位" in page and "机关党委" not in page


def test_my_roles_needs_login(client, world):
    r = client.get(reverse("my_roles"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
