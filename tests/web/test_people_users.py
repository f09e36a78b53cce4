"""Users: listed with their roles in the admin's subtree; created with a checked password."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from kaoping.web.models import AuditEntry, Membership, Role

User = get_user_model()


def _new(world, **changes):
    data = {"username": "grace", "full_name": "葛瑞丝", "email": "grace@example.org",
            "password1": "Zhibu-2026-mima", "password2": "Zhibu-2026-mima",
            "organisation": world.b2.pk, "role": Role.REPORTER.value}
    data.update(changes)
    return data


def test_list_shows_users_with_their_roles_in_the_subtree(login, world):
    page = login(world.alice).get(reverse("user_list")).content.decode()
    for name in ("alice", "bob", "carol", "dave", "frank"):
        assert f"<td>{name}</td>" in page
    assert "eve" not in page
    assert "机关党委 · 考核管理员" in page and "一支部 · 填报员" in page


def test_create_a_user_with_a_first_role(login, world):
    client = login(world.alice)
    assert client.get(reverse("user_create")).status_code == 200
    r = client.post(reverse("user_create"), _new(world))
    grace = User.objects.get(username="grace")
    assert r.status_code == 302 and r["Location"] == reverse("user_detail", args=[grace.pk])
    assert (grace.first_name, grace.email, grace.is_active) == ("葛瑞丝", "grace@example.org", True)
    assert grace.check_password("Zhibu-2026-mima")
    assert Membership.objects.filter(user=grace, organisation=world.b2, role=Role.REPORTER).exists()
    assert AuditEntry.objects.get(action="user.create", actor=world.alice).organisation == world.b2
    assert AuditEntry.objects.filter(action="role.grant", actor=world.alice).count() == 1
    client.logout()
    assert client.login(username="grace", password="Zhibu-2026-mima")


def test_weak_password_is_refused_beside_the_field(login, world):
    r = login(world.alice).post(reverse("user_create"), _new(world, password1="123", password2="123"))
    page = r.content.decode()
    assert r.status_code == 400
    assert 'id="id_password1_errors"' in page
    assert "密码太短，至少需要 8 个字符。" in page and "密码只包含数字。" in page
    assert not User.objects.filter(username="grace").exists()


def test_password_like_the_username_is_refused(login, world):
    r = login(world.alice).post(reverse("user_create"), _new(
        world, username="zhangsanfeng", password1="zhangsanfeng1", password2="zhangsanfeng1"))
    assert r.status_code == 400 and "太相似" in r.content.decode()


def test_passwords_must_match(login, world):
    r = login(world.alice).post(reverse("user_create"), _new(world, password2="Zhibu-2026-other"))
    assert r.status_code == 400
    assert 'id="id_password2_errors"' in r.content.decode() and "两次输入的密码不一致" in r.content.decode()
    assert not User.objects.filter(username="grace").exists()


def test_taken_username_is_refused_beside_the_field(login, world):
    r = login(world.alice).post(reverse("user_create"), _new(world, username="bob"))
    assert r.status_code == 400
    assert 'id="id_username_errors"' in r.content.decode() and "用户名已存在" in r.content.decode()
    assert User.objects.filter(username="bob").count() == 1


def test_a_role_outside_the_subtree_cannot_be_given(login, world):
    r = login(world.alice).post(reverse("user_create"), _new(world, organisation=world.other.pk))
    assert r.status_code == 400 and 'id="id_organisation_errors"' in r.content.decode()
    assert not User.objects.filter(username="grace").exists()
