"""Creating an assessment (issue 11, points 7 and 10): the cycle comes from the scheme (B's
records are all yearly: one yearly deadline) and a finer one is refused, a coarser one is
allowed with a warning; a name is used once per organisation and year; a broken scheme file
is explained in Chinese with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from kaoping.web.actions.assessments import cycle_problem, do_create_assessment, scheme_cycle
from kaoping.web.actions.base import ActionError
from kaoping.web.models import Assessment

SCHEMES = Path(__file__).resolve().parents[2] / "schemes"
URL = reverse("assessment_create")
B = (SCHEMES / "b-luoyang-rubric.yaml").read_text("utf-8")


def _data(world, **extra):
    data = {"name": "2026年度机关党建考评", "organisation": str(world.organ.pk),
            "scheme": "a-linyi-branches.yaml", "year": "2026", "cycle": "month",
            "due_soon_days": "3", "units": [str(world.b1.pk), str(world.b2.pk)],
            "verifiers": [str(world.bob.pk)], "basis": ""}
    data.update({f"deadline_{m}": f"2026-{m:02d}-25" for m in range(1, 13)})
    data.update(extra)
    return data


@pytest.mark.parametrize("stem, cycle", [("a-linyi-branches", "month"),
                                         ("b-luoyang-rubric", "year"),
                                         ("c-huainan-negative-list", "half"),
                                         ("g-xiangxi-secretaries", "quarter")])
def test_the_scheme_says_its_cycle(stem, cycle):
    from kaoping.engine import load_scheme

    text = (SCHEMES / f"{stem}.yaml").read_text("utf-8")
    assert scheme_cycle(load_scheme(f"{stem}.yaml", text=text)) == cycle


def test_uploading_a_yearly_scheme_sets_one_yearly_deadline(world, login):
    c = login(world.bob)
    basis = f"{world.organ.pk}|a-linyi-branches.yaml|month|2026"
    r = c.post(URL, _data(world, _refresh="1", basis=basis,
                          scheme_upload=SimpleUploadedFile("b.yaml", B.encode())))
    assert r.status_code == 200
    form = r.context["form"]
    assert form.cycle == "year" and form.period_names == ["deadline_1"]
    assert form.cycle_note == ""
    page = r.content.decode()
    assert '<option value="year" selected>年</option>' in page


def test_a_cycle_finer_than_the_scheme_is_refused(world, login):
    c = login(world.bob)
    data = _data(world, scheme_upload=SimpleUploadedFile("b.yaml", B.encode()),
                 **{f"class_{world.b1.pk}": "党支部", f"class_{world.b2.pk}": "党支部"})
    r = c.post(URL, data)
    assert r.status_code == 400
    page = r.content.decode()
    assert "的记录最细按年填报，填报周期不能是月（会有 12 个截止日期却没有对应的记录）" in page
    assert not Assessment.objects.exists()


def test_a_coarser_cycle_is_allowed_with_a_warning(world, login):
    from kaoping.engine import load_scheme

    a = load_scheme("a.yaml", text=(SCHEMES / "a-linyi-branches.yaml").read_text("utf-8"))
    kind, text = cycle_problem(a, "year")
    # 12 months ÷ 1 year = 12 monthly records per period
    assert kind == "warn" and "每个考核期包含 12 个月的记录" in text
    basis = f"{world.organ.pk}|a-linyi-branches.yaml|month|2026"   # the user changed the cycle
    r = login(world.bob).post(URL, _data(world, _refresh="1", cycle="year", basis=basis))
    assert "每个考核期包含 12 个月的记录，只在年末评分一次" in r.content.decode()


def test_the_same_name_twice_is_refused(world, login):
    c = login(world.bob)
    assert c.post(URL, _data(world)).status_code == 302
    r = c.post(URL, _data(world))
    assert r.status_code == 400
    assert "「机关党委」2026 年已有名为「2026年度机关党建考评」的考核，请换一个名称" in r.content.decode()
    assert Assessment.objects.count() == 1
    # another year may use the name again
    data = _data(world, year="2027", **{f"deadline_{m}": f"2027-{m:02d}-25" for m in range(1, 13)})
    assert c.post(URL, data).status_code == 302
    # and the database refuses it too, whatever writes it
    a = Assessment.objects.get(year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(name=a.name, organisation=a.organisation, year=2026,
                                  scheme_id="A", scheme_name="x", scheme_source=a.scheme_source,
                                  scheme_file="a.yaml", created_by=world.bob)


def test_renaming_to_a_name_in_use_is_refused(world):
    text = (SCHEMES / "a-linyi-branches.yaml").read_text("utf-8")
    kw = dict(organisation=world.organ, scheme_file="a.yaml", scheme_source=text, year=2026,
              cycle="month", units=[(world.b1, "")])
    do_create_assessment(world.bob, name="甲", **kw)
    with pytest.raises(ActionError, match="已有名为「甲」的考核"):
        do_create_assessment(world.bob, name=" 甲 ", **kw)


def test_a_broken_scheme_file_is_explained_in_chinese(world, login):
    broken = (SCHEMES / "a-linyi-branches.yaml").read_text("utf-8").replace(
        "  时间任务:", "  时间任务: 值: 多余", 1)
    r = login(world.bob).post(URL, _data(world, scheme_upload=SimpleUploadedFile(
        "broken.yaml", broken.encode())))
    assert r.status_code == 400
    [problem] = r.context["scheme_problems"]
    line = broken[:broken.index("时间任务: 值")].count("\n") + 1
    assert problem.startswith(f"broken.yaml:{line}: 文件格式有误，第 {line} 行"), problem
    assert "这一行多了一个冒号" in problem
    assert not re.search(r"[A-Za-z]{4,}", problem.removeprefix("broken.yaml")), problem
