"""Moving an organisation: the whole subtree's paths are rewritten; never under itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.orgs import do_create_organisation, do_move_organisation
from kaoping.web.models import AuditEntry, Organisation


@pytest.fixture
def deep(world):
    """县委 → 机关党委 → 一支部 → 第一党小组 → 学习组, and 县委 → 新党委."""
    group = do_create_organisation(None, name="第一党小组", parent=world.b1)
    study = do_create_organisation(None, name="学习组", parent=group)
    new = do_create_organisation(None, name="新党委", parent=world.county)
    return group, study, new


def _paths_are_right():
    for org in Organisation.objects.all():
        assert org.path == org.compute_path(), org


def test_move_rewrites_the_paths_of_the_whole_subtree(login, world, deep):
    group, study, new = deep
    r = login(world.alice).post(reverse("org_move", args=[world.b1.pk]), {"parent": new.pk})
    assert r.status_code == 302
    world.b1.refresh_from_db()
    group.refresh_from_db()
    study.refresh_from_db()
    assert world.b1.parent == new
    c, n, b = world.county.pk, new.pk, world.b1.pk
    assert world.b1.path == f"/{c:010d}/{n:010d}/{b:010d}/"
    assert group.path == f"/{c:010d}/{n:010d}/{b:010d}/{group.pk:010d}/"
    assert study.path == f"/{c:010d}/{n:010d}/{b:010d}/{group.pk:010d}/{study.pk:010d}/"
    assert set(new.subtree()) == {new, world.b1, group, study}
    assert set(world.organ.subtree()) == {world.organ, world.b2}
    _paths_are_right()
    entry = AuditEntry.objects.get(action="organisation.move")
    assert entry.before["parent"] == world.organ.pk and entry.after["parent"] == new.pk
    assert entry.actor == world.alice


def test_a_moved_unit_takes_its_reporter_along(login, world, deep):
    do_move_organisation(world.alice, world.b1, deep[2])
    from kaoping.web.access import visible_organisations

    assert not visible_organisations(world.bob).filter(pk=world.b1.pk).exists()


def test_move_refuses_a_descendant_and_itself(world, deep):
    group, study, _ = deep
    for target in (study, group, world.b1):
        with pytest.raises(ActionError, match="不能把「一支部」移到它自己或它的下级组织"):
            do_move_organisation(world.alice, world.b1, target)
    _paths_are_right()
    assert Organisation.objects.get(pk=world.b1.pk).parent == world.organ


def test_move_page_refuses_a_descendant_with_a_message(login, world, deep):
    client = login(world.alice)
    page = client.get(reverse("org_move", args=[world.b1.pk])).content.decode()
    assert f'value="{deep[0].pk}"' not in page  # descendants are not offered
    r = client.post(reverse("org_move", args=[world.b1.pk]), {"parent": deep[1].pk})
    assert r.status_code == 400
    assert "不能移到自己或自己的下级组织之下" in r.content.decode()
    _paths_are_right()
    assert Organisation.objects.get(pk=world.b1.pk).parent == world.organ


def test_move_refuses_a_name_taken_at_the_new_parent(login, world):
    do_create_organisation(None, name="一支部", parent=world.county)
    r = login(world.alice).post(reverse("org_move", args=[world.b1.pk]), {"parent": world.county.pk})
    assert r.status_code == 400 and "同一上级下名称重复" in r.content.decode()
    assert Organisation.objects.get(pk=world.b1.pk).parent == world.organ


def test_move_refuses_the_same_parent(world):
    with pytest.raises(ActionError, match="已在「机关党委」之下"):
        do_move_organisation(world.alice, world.b1, world.organ)
