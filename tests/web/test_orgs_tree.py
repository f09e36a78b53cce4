"""The organisation tree: the admin's subtree shown, and organisations created, edited, deleted."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.actions.orgs import do_create_organisation
from kaoping.web.models import AuditEntry, Organisation


def test_tree_shows_the_admins_subtree_indented(login, world):
    world.b1.secretary, world.b1.affairs_worker, world.b1.member_count = "王书记", "李干事", 23
    world.b1.category = "党支部"
    world.b1.save()
    r = login(world.alice).get(reverse("org_tree"))
    page = r.content.decode()
    assert r.status_code == 200
    for name in ("县委", "机关党委", "一支部", "二支部", "王书记", "李干事", ">23<", "党支部"):
        assert name in page
    assert "其他党委" not in page and "其他支部" not in page
    assert "calc(2 * 1.5em" in page  # branches are two levels below 县委
    assert page.index("机关党委") < page.index("一支部") < page.index("二支部")


def test_create_under_a_parent(login, world):
    client = login(world.alice)
    assert client.get(reverse("org_create") + f"?parent={world.organ.pk}").status_code == 200
    r = client.post(reverse("org_create"), {
        "parent": world.organ.pk, "name": "三支部", "category": "党支部", "secretary": "赵书记",
        "affairs_worker": "钱干事", "member_count": "17"})
    assert r.status_code == 302
    org = Organisation.objects.get(name="三支部")
    assert (org.parent, org.category, org.secretary, org.affairs_worker, org.member_count) == (
        world.organ, "党支部", "赵书记", "钱干事", 17)
    assert org.path == f"{world.organ.path}{org.pk:010d}/"
    entry = AuditEntry.objects.get(action="organisation.create", object_id=str(org.pk))
    assert entry.actor == world.alice and entry.organisation == org


def test_create_refuses_a_duplicate_name_beside_the_field(login, world):
    before = Organisation.objects.count()
    r = login(world.alice).post(reverse("org_create"), {"parent": world.organ.pk, "name": "一支部"})
    assert r.status_code == 400
    assert 'id="id_name_errors"' in r.content.decode() and "同一上级下名称重复" in r.content.decode()
    assert Organisation.objects.count() == before


def test_create_refuses_a_negative_member_count(login, world):
    r = login(world.alice).post(reverse("org_create"), {
        "parent": world.organ.pk, "name": "三支部", "member_count": "-1"})
    assert r.status_code == 400 and 'id="id_member_count_errors"' in r.content.decode()
    assert not Organisation.objects.filter(name="三支部").exists()


def test_edit(login, world):
    r = login(world.alice).post(reverse("org_edit", args=[world.b1.pk]), {
        "name": "第一支部", "category": "党支部", "secretary": "", "affairs_worker": "",
        "member_count": "30"})
    assert r.status_code == 302
    world.b1.refresh_from_db()
    assert (world.b1.name, world.b1.member_count) == ("第一支部", 30)
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.before["name"] == "一支部" and entry.after["name"] == "第一支部"


def test_edit_refuses_a_sibling_name(login, world):
    r = login(world.alice).post(reverse("org_edit", args=[world.b1.pk]), {"name": "二支部"})
    assert r.status_code == 400 and "同一上级下名称重复" in r.content.decode()
    world.b1.refresh_from_db()
    assert world.b1.name == "一支部"


def test_delete_an_unused_organisation(login, world):
    org = do_create_organisation(world.alice, name="三支部", parent=world.organ)
    client = login(world.alice)
    assert "确定删除" in client.get(reverse("org_delete", args=[org.pk])).content.decode()
    r = client.post(reverse("org_delete", args=[org.pk]), {"reason": "建错了"})
    assert r.status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()
    # the trail stays, hung on the parent
    entries = AuditEntry.objects.filter(object_type="organisation", object_id=str(org.pk))
    assert {e.action for e in entries} == {"organisation.create", "organisation.delete"}
    assert {e.organisation for e in entries} == {world.organ}
    assert entries.get(action="organisation.delete").reason == "建错了"


def test_delete_refuses_what_is_still_referred_to(login, world):
    client = login(world.alice)
    before = Organisation.objects.count()
    page = client.get(reverse("org_delete", args=[world.organ.pk])).content.decode()
    assert "下级组织：2" in page and "角色：2" in page  # bob and frank
    r = client.post(reverse("org_delete", args=[world.organ.pk]))
    assert r.status_code == 400
    assert "「机关党委」仍被引用，不能删除：下级组织（2）、角色（2）。" in r.content.decode()
    r = client.post(reverse("org_delete", args=[world.b1.pk]))  # carol's unit
    assert r.status_code == 400 and "角色（1）" in r.content.decode()
    assert Organisation.objects.count() == before


def test_ordering_by_path_is_tree_order(world):
    # ids 2 and 10 under one parent: as text "/…/10/" would sort before "/…/2/"
    from kaoping.web.actions.orgs import do_create_organisation
    from kaoping.web.models import Organisation

    made = [do_create_organisation(world.alice, name=f"支部{i}", parent=world.b2) for i in range(1, 13)]
    listed = list(Organisation.objects.filter(parent=world.b2).order_by("path"))
    assert listed == made
