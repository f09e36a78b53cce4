"""manage.py create_admin: the first 系统管理员 of an installation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from kaoping.web.models import AuditEntry, Membership, Organisation, Role


@pytest.mark.django_db
def test_creates_the_top_organisation_the_user_and_the_role(monkeypatch):
    monkeypatch.setenv("KAOPING_ADMIN_PASSWORD", "Xianwei-2026-guanli")
    call_command("create_admin", "zhang", "--organisation", "某某县委", stdout=StringIO())
    user = get_user_model().objects.get(username="zhang")
    assert user.check_password("Xianwei-2026-guanli")
    org = Organisation.objects.get(name="某某县委", parent=None)
    assert Membership.objects.filter(user=user, organisation=org, role=Role.ADMIN).exists()
    assert AuditEntry.objects.filter(action="role.grant").count() == 1


def test_an_existing_user_only_gets_the_role(world, monkeypatch):
    monkeypatch.delenv("KAOPING_ADMIN_PASSWORD", raising=False)
    call_command("create_admin", "carol", "--organisation", "县委", stdout=StringIO())
    assert Membership.objects.filter(user=world.carol, organisation=world.county,
                                     role=Role.ADMIN).exists()
    world.carol.refresh_from_db()
    assert world.carol.check_password(world.password)


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_saved(monkeypatch):
    monkeypatch.setenv("KAOPING_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("create_admin", "zhang", "--organisation", "某某县委", stdout=StringIO())
    assert not get_user_model().objects.exists() and not Organisation.objects.exists()
