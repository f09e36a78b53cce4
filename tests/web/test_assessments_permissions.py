"""Who may set up and change assessments: the assessing organisation's 考核管理员 (or an admin
above it); others get a 404, anonymous users the login page."""

from __future__ import annotations

from django.urls import reverse

from kaoping.web.models import Assessment


def test_only_assessors_create(world, login):
    url = reverse("assessment_create")
    for who in ("carol", "dave", "eve", "frank"):
        c = login(getattr(world, who))
        assert c.get(url).status_code == 404, who
        assert c.post(url, {"name": "x"}).status_code == 404, who
    assert login(world.bob).get(url).status_code == 200
    assert login(world.alice).get(url).status_code == 200
    assert not Assessment.objects.exists()


def test_bob_cannot_set_up_for_an_organisation_above_or_beside_his(world, login):
    r = login(world.bob).get(reverse("assessment_create"))
    choices = [v for v, _ in r.context["form"].fields["organisation"].choices]
    assert choices == [str(world.organ.pk), str(world.b1.pk), str(world.b2.pk)]
    r = login(world.bob).post(reverse("assessment_create"), {
        "name": "越权", "organisation": str(world.county.pk), "scheme": "a-linyi-branches.yaml",
        "year": "2026", "cycle": "year", "due_soon_days": "3", "deadline_1": "2026-12-25",
        "units": [str(world.organ.pk)]})
    assert r.status_code == 400 and not Assessment.objects.exists()


def test_detail_and_edit(reporting, login):
    a = reporting.a
    detail, edit = (reverse("assessment_detail", args=[a.pk]),
                    reverse("assessment_edit", args=[a.pk]))
    b = login(reporting.world.bob)
    page = b.get(detail).content.decode()
    assert edit in page
    # units read the assessment, without its settings' edit link
    c = login(reporting.world.carol)
    r = c.get(detail)
    assert r.status_code == 200 and edit not in r.content.decode()
    assert c.get(edit).status_code == 404
    assert c.post(edit, {"name": "x"}).status_code == 404
    assert login(reporting.world.frank).get(edit).status_code == 404
    e = login(reporting.world.eve)
    assert e.get(detail).status_code == 404 and e.get(edit).status_code == 404
    assert a.name not in e.get(reverse("assessment_list")).content.decode()
    e.logout()
    for url in (detail, edit, reverse("assessment_list"), reverse("assessment_create")):
        r = e.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("login")), url
    a.refresh_from_db()
    assert a.name != "x"
