"""Accounts: an admin resets a password or deactivates a user whose roles are all its own."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.models import AuditEntry, Membership, Role

NEW = "Xin-mima-2026-ok"


def test_reset_a_password(login, world, client):
    r = login(world.alice).post(reverse("user_reset_password", args=[world.carol.pk]),
                                {"password1": NEW, "password2": NEW})
    assert r.status_code == 302
    world.carol.refresh_from_db()
    assert world.carol.check_password(NEW) and not world.carol.check_password(world.password)
    entry = AuditEntry.objects.get(action="user.reset_password")
    assert entry.actor == world.alice and entry.organisation == world.b1
    assert NEW not in str(entry.after)


def test_reset_checks_the_password(login, world):
    r = login(world.alice).post(reverse("user_reset_password", args=[world.carol.pk]),
                                {"password1": "carol", "password2": "carol"})
    assert r.status_code == 400 and 'id="id_password1_errors"' in r.content.decode()
    world.carol.refresh_from_db()
    assert world.carol.check_password(world.password)


def test_own_reset_keeps_the_admin_logged_in(login, world):
    client = login(world.alice)
    client.post(reverse("user_reset_password", args=[world.alice.pk]),
                {"password1": NEW, "password2": NEW})
    assert client.get(reverse("user_list")).status_code == 200


def test_deactivate_and_reactivate(login, world, client):
    admin = login(world.alice)
    r = admin.post(reverse("user_set_active", args=[world.carol.pk]), {"active": "0", "reason": "离职"})
    assert r.status_code == 302
    world.carol.refresh_from_db()
    assert not world.carol.is_active
    assert Membership.objects.filter(user=world.carol).exists()  # roles kept
    assert "已停用" in admin.get(reverse("user_list")).content.decode()
    assert AuditEntry.objects.get(action="user.deactivate").reason == "离职"
    admin.logout()
    assert not client.login(username="carol", password=world.password)
    admin = login(world.alice)
    admin.post(reverse("user_set_active", args=[world.carol.pk]), {"active": "1"})
    world.carol.refresh_from_db()
    assert world.carol.is_active


def test_an_admin_cannot_deactivate_itself(login, world):
    r = login(world.alice).post(reverse("user_set_active", args=[world.alice.pk]), {"active": "0"})
    assert r.status_code == 400 and "不能停用自己的账号" in r.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.is_active


def test_a_user_with_roles_elsewhere_is_not_the_admins_to_reset(login, world):
    Membership.objects.create(user=world.eve, organisation=world.b1, role=Role.LEADER)
    client = login(world.alice)
    page = client.get(reverse("user_detail", args=[world.eve.pk])).content.decode()
    assert "一支部" in page and "其他支部" not in page and "另在您管理的范围之外有角色" in page
    assert reverse("user_reset_password", args=[world.eve.pk]) not in page
    for url, data in [(reverse("user_reset_password", args=[world.eve.pk]),
                       {"password1": NEW, "password2": NEW}),
                      (reverse("user_set_active", args=[world.eve.pk]), {"active": "0"})]:
        assert client.post(url, data).status_code == 404
    world.eve.refresh_from_db()
    assert world.eve.is_active and world.eve.check_password(world.password)
    # but the role inside alice's subtree is hers to revoke
    inside = Membership.objects.get(user=world.eve, organisation=world.b1)
    r = client.post(reverse("membership_revoke", args=[inside.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("user_list")  # eve is out of reach
    assert client.get(reverse("user_detail", args=[world.eve.pk])).status_code == 404
