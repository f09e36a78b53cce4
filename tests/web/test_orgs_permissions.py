"""Every tree page is the 系统管理员's, and only over the subtree it administers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.models import Organisation


def _urls(world, org):
    return [reverse("org_tree"), reverse("org_create"), reverse("org_import"),
            reverse("org_import_template"), reverse("org_edit", args=[org.pk]),
            reverse("org_move", args=[org.pk]), reverse("org_delete", args=[org.pk])]


@pytest.mark.parametrize("who", ["bob", "carol", "eve", "frank"])
def test_other_roles_get_404(login, world, who):
    client = login(getattr(world, who))
    for url in _urls(world, world.b2):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x", "parent": world.organ.pk}).status_code == 404, url
    assert Organisation.objects.get(pk=world.b2.pk).name == "二支部"


def test_anonymous_is_sent_to_login(client, world):
    for url in _urls(world, world.b2):
        for response in (client.get(url), client.post(url, {"name": "x"})):
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_alice_cannot_reach_another_committees_subtree(login, world):
    client = login(world.alice)
    for org in (world.other, world.other_branch):
        for url in _urls(world, org)[4:]:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"name": "x", "parent": world.county.pk}).status_code == 404
    # nor name it as a parent, to create under it or to move into it
    r = client.post(reverse("org_create"), {"parent": world.other.pk, "name": "渗透支部"})
    assert r.status_code == 400 and not Organisation.objects.filter(name="渗透支部").exists()
    r = client.post(reverse("org_move", args=[world.b1.pk]), {"parent": world.other.pk})
    assert r.status_code == 400
    assert Organisation.objects.get(pk=world.b1.pk).parent == world.organ
    assert "其他党委" not in client.get(reverse("org_move", args=[world.b1.pk])).content.decode()


def test_navigation_shows_the_tree_to_admins_only(login, world):
    assert reverse("org_tree") in login(world.alice).get(reverse("home")).content.decode()
    page = login(world.bob).get(reverse("home")).content.decode()
    assert reverse("org_tree") not in page and reverse("my_roles") in page
