"""考核设置: an assessor creates an assessment from a bundled scheme or an uploaded one (the
engine's every problem shown, nothing saved), with units, periods and deadlines, verifiers;
and changes it while nothing is published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.models import AssessedUnit, Assessment, AuditEntry, Period, Record

SCHEMES = Path(__file__).resolve().parents[2] / "schemes"
URL = reverse("assessment_create")


def base(world, **extra):
    data = {"name": "2026年度机关党建考评", "organisation": str(world.organ.pk),
            "scheme": "a-linyi-branches.yaml", "year": "2026", "cycle": "month",
            "due_soon_days": "3", "units": [str(world.b1.pk), str(world.b2.pk)],
            "verifiers": [str(world.bob.pk)]}
    data.update({f"deadline_{m}": f"2026-{m:02d}-25" for m in range(1, 13)})
    data.update(extra)
    return data


def test_form_offers_bundled_schemes_and_direct_subordinates(world, login):
    r = login(world.bob).get(URL)
    assert r.status_code == 200
    form = r.context["form"]
    files = [v for v, _ in form.fields["scheme"].choices]
    assert {"a-linyi-branches.yaml", "g-xiangxi-secretaries.yaml"} <= set(files)
    assert [o.name for o in form.candidates] == ["一支部", "二支部"]
    assert form.selected("units") == {str(world.b1.pk), str(world.b2.pk)}
    assert [f.value() for f in form.deadline_fields()][:2] == [
        dt.date(dt.date.today().year, 1, 25), dt.date(dt.date.today().year, 2, 25)]
    assert [label for _, label in form.fields["verifiers"].choices] == ["alice", "bob"]
    assert form.selected("verifiers") == {str(world.bob.pk)}  # the creator, by default


def test_create_with_bundled_scheme_a(world, login):
    r = login(world.bob).post(URL, base(world, deadline_3="2026-03-20"))
    assert r.status_code == 302, r.context["form"].errors
    a = Assessment.objects.get()
    assert r["Location"] == reverse("assessment_detail", args=[a.pk])
    assert (a.scheme_id, a.year, a.cycle, a.organisation) == ("A", 2026, "month", world.organ)
    assert a.scheme_source == (SCHEMES / "a-linyi-branches.yaml").read_text("utf-8")
    assert [p.deadline.isoformat() for p in a.periods.all()][:4] == [
        "2026-01-25", "2026-02-25", "2026-03-20", "2026-04-25"]
    assert a.periods.count() == 12
    assert sorted(u.organisation.name for u in a.units.all()) == ["一支部", "二支部"]
    assert list(a.verifiers.all()) == [world.bob]
    assert AuditEntry.objects.filter(action="assessment.create", object_id=str(a.pk)).exists()
    page = login(world.bob).get(reverse("assessment_detail", args=[a.pk])).content.decode()
    assert "2026-03-20" in page and "月度扣分" in page


def test_default_deadlines_per_cycle(world, login):
    from kaoping.web.actions.assessments import default_deadlines

    assert default_deadlines(2026, "quarter") == [dt.date(2026, m, 25) for m in (3, 6, 9, 12)]
    assert default_deadlines(2026, "half") == [dt.date(2026, 6, 25), dt.date(2026, 12, 25)]
    assert default_deadlines(2026, "year") == [dt.date(2026, 12, 25)]


def test_uploaded_broken_scheme_shows_every_problem_with_its_line(world, login):
    text = (SCHEMES / "a-linyi-branches.yaml").read_text("utf-8")
    broken = text.replace("period: month\n    fields:\n      - {name: 考核项目, type: item}",
                          "period: monthly\n    fields:\n      - {name: 考核项目, type: itm}", 1)
    data = base(world, scheme_upload=SimpleUploadedFile("broken.yaml", broken.encode()))
    r = login(world.bob).post(URL, data)
    assert r.status_code == 400
    problems = r.context["scheme_problems"]
    assert len(problems) == 2
    # the lines of the two spoiled values in the file (the item field is two lines below)
    period = broken.splitlines().index("    period: monthly") + 1
    field = period + 2
    assert problems[0].startswith(f"broken.yaml:{period}: records.时间任务.period")
    assert problems[1].startswith(f"broken.yaml:{field}: records.时间任务.fields[0].type")
    page = r.content.decode()
    assert f"broken.yaml:{period}" in page and f"broken.yaml:{field}" in page
    assert not Assessment.objects.exists() and not Period.objects.exists()


def test_uploaded_scheme_with_classes(world, login):
    c = login(world.bob)
    text = (SCHEMES / "b-luoyang-rubric.yaml").read_bytes()
    data = base(world, scheme_upload=SimpleUploadedFile("我的方案.yaml", text), cycle="year")
    for m in range(1, 13):
        data.pop(f"deadline_{m}")
    data["deadline_1"] = "2026-12-20"
    r = c.post(URL, data)  # B sorts units into classes: each must be given one
    assert r.status_code == 400
    assert "请为「一支部、二支部」选择单位类别" in r.content.decode()
    form = r.context["form"]
    assert form.classes == ["机关党委", "党总支", "党支部"] and f"class_{world.b1.pk}" in form.fields
    assert form.scheme_selected() == "__upload__"
    # the upload is kept in the page: the next round need not send the file again
    kept = {k: v for k, v in data.items() if k != "scheme_upload"}
    kept.update({"scheme": "__upload__", "scheme_text": text.decode(),
                 "scheme_filename": "我的方案.yaml", f"class_{world.b1.pk}": "党支部",
                 f"class_{world.b2.pk}": "党总支"})
    r = c.post(URL, kept)
    assert r.status_code == 302
    a = Assessment.objects.get()
    assert (a.scheme_id, a.scheme_file, a.cycle) == ("B", "我的方案.yaml", "year")
    assert dict(a.units.values_list("organisation__name", "unit_class")) == {
        "一支部": "党支部", "二支部": "党总支"}


def test_refresh_rebuilds_dependent_choices_and_keeps_the_rest(world, login):
    c = login(world.alice)
    data = base(world, organisation=str(world.county.pk), name="县委考评", cycle="quarter",
                _refresh="1")
    data["basis"] = f"{world.organ.pk}|a-linyi-branches.yaml|month|2026"
    r = c.post(URL, data)
    assert r.status_code == 200 and not Assessment.objects.exists()
    form = r.context["form"]
    assert form["name"].value() == "县委考评"
    assert [o.name for o in form.candidates] == ["机关党委", "一支部", "二支部"]
    assert form.selected("units") == {str(world.organ.pk)}  # the county's direct subordinate
    assert [f.value() for f in form.deadline_fields()] == [dt.date(2026, m, 25)
                                                           for m in (3, 6, 9, 12)]


def test_alice_assesses_deeper_units_but_not_outside_her_tree(world, login):
    c = login(world.alice)
    data = base(world, organisation=str(world.county.pk), units=[str(world.b1.pk)])
    assert c.post(URL, data).status_code == 302
    bad = base(world, units=[str(world.other_branch.pk)])
    r = login(world.bob).post(URL, bad)
    assert r.status_code == 400
    assert Assessment.objects.count() == 1


def test_units_with_the_same_name_are_refused(world, login):
    from kaoping.web.actions.orgs import do_create_organisation

    twin = do_create_organisation(None, name="一支部", parent=world.b2)
    r = login(world.bob).post(URL, base(world, units=[str(world.b1.pk), str(twin.pk)]))
    assert r.status_code == 400 and "同一考核中单位名称不得重复" in r.content.decode()


def test_edit_deadlines_verifiers_units_until_published(reporting, login):
    a = reporting.a
    c = login(reporting.world.bob)
    url = reverse("assessment_edit", args=[a.pk])
    r = c.get(url)
    assert r.status_code == 200
    data = {"name": "改名后的考评", "due_soon_days": "5", "units": [str(reporting.world.b1.pk)],
            "verifiers": [str(reporting.world.alice.pk)]}
    data.update({f"deadline_{p.number}": p.deadline.isoformat() for p in reporting.periods})
    data["deadline_12"] = "2026-12-28"
    assert c.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.name == "改名后的考评" and a.due_soon_days == 5
    assert list(a.verifiers.all()) == [reporting.world.alice]
    assert [u.organisation.name for u in a.units.all()] == ["一支部"]
    assert a.periods.get(number=12).deadline == dt.date(2026, 12, 28)
    entry = AuditEntry.objects.get(action="assessment.update")
    assert entry.before["name"] != entry.after["name"]
    # a unit with records cannot be taken out
    Record.objects.create(assessment=a, period=reporting.jan, kind="质量成果",
                          unit=reporting.world.b1, created_by=reporting.world.bob)
    r = c.post(url, {**data, "units": []})
    assert r.status_code == 400
    r = c.post(url, {**data, "units": [str(reporting.world.b2.pk)]})
    assert r.status_code == 400 and "已有记录" in r.content.decode()
    assert AssessedUnit.objects.filter(assessment=a).count() == 1
    # once a period is published the set-up is locked
    Period.objects.filter(pk=reporting.jan.pk).update(state=Period.State.PUBLISHED)
    r = c.post(url, {**data, "name": "再改"})
    assert r.status_code == 400 and "设置已锁定" in r.content.decode()
    a.refresh_from_db()
    assert a.name == "改名后的考评"
