"""Who may see the leaders' dashboard: leaders and staff of the assessing organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.people import do_create_user, do_grant_role
from kaoping.web.models import Role


def urls(w):
    return [reverse("dashboard", args=[w.a.pk]), reverse("dashboard_data", args=[w.a.pk])]


def test_anonymous_users_are_sent_to_login(client, dashboard_world):
    for url in urls(dashboard_world) + [reverse("dashboard_index")]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["alice", "bob", "frank"])
def test_leaders_staff_and_admins_above(login, dashboard_world, name):
    w = dashboard_world
    c = login(getattr(w.world, name))
    for url in urls(w):
        assert c.get(url).status_code == 200
    index = c.get(reverse("dashboard_index")).content.decode()
    assert reverse("dashboard", args=[w.a.pk]) in index
    assert reverse("dashboard_index") in c.get(reverse("home")).content.decode()  # nav link


@pytest.mark.parametrize("name", ["carol", "dave", "eve"])
def test_reporters_and_outsiders_get_404(login, dashboard_world, name):
    w = dashboard_world
    c = login(getattr(w.world, name))
    for url in urls(w):
        assert c.get(url).status_code == 404
    r = c.get(reverse("dashboard_index"))
    assert r.status_code == 200 and reverse("dashboard", args=[w.a.pk]) not in r.content.decode()
    assert reverse("dashboard_index") not in c.get(reverse("home")).content.decode()


@pytest.mark.parametrize("where", ["other", "b1"])
def test_leaders_elsewhere_or_below_get_404(login, dashboard_world, where):
    w = dashboard_world
    leader = do_create_user(None, username=f"leader-{where}", password=w.world.password)
    do_grant_role(None, leader, getattr(w.world, where), Role.LEADER)
    c = login(leader)
    for url in urls(w):
        assert c.get(url).status_code == 404


def test_unknown_assessment_is_404(login, dashboard_world):
    c = login(dashboard_world.world.frank)
    assert c.get(reverse("dashboard", args=[dashboard_world.a.pk + 999])).status_code == 404
