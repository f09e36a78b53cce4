"""考核参数 without YAML (issue 11, point 10): the values a scheme marks as settings (grade
bands, points, decimals, score scales, deadline days) are changed in a form, checked by the
engine as a whole, kept in the audit, and refused once a period is published."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from kaoping.engine.editable import editable_values, with_values
from kaoping.web.actions.assessments import do_change_settings
from kaoping.web.actions.base import ActionError
from kaoping.web.models import Assessment, AuditEntry, Period

SCHEMES = Path(__file__).resolve().parents[2] / "schemes"


@pytest.mark.parametrize("stem, key, label, value", [
    ("e-weighted-indicators", "result.grade.bands[0].min", "等次「优秀」的最低分", 90),
    ("g-xiangxi-secretaries", "measures[0].aggregate.value.points_by.等次.较好",
     "「日常管理得分」中「等次」为「较好」的分值", 90),
    ("a-linyi-branches", "measures[1].aggregate.value.quantity.deadline_day",
     "「数量任务得分」的截止日（每月几日）", 25),
    ("a-linyi-branches", "rounding.places", "结果保留的小数位数", 2),
    ("a-linyi-branches", "records.民主测评.fields[0].max", "「民主测评」的「得分」最大值", 1),
])
def test_the_marked_settings_with_labels(stem, key, label, value):
    found = {e.key: e for e in editable_values((SCHEMES / f"{stem}.yaml").read_text("utf-8"))}
    assert found[key].label == label and found[key].value == value


def test_a_new_value_keeps_the_rest_of_the_file():
    text = (SCHEMES / "e-weighted-indicators.yaml").read_text("utf-8")
    new = with_values(text, {"result.grade.bands[0].min": 92.5})
    assert "{grade: 优秀, min: 92.5}" in new and "# setting: grade bands" in new
    assert new.replace("min: 92.5", "min: 90", 1) == text   # only that number changed


@pytest.fixture
def g(ballot_assessment):
    return ballot_assessment.make("g-xiangxi-secretaries")


def test_change_a_band_in_the_form(g, world, login):
    c = login(world.bob)
    url = reverse("assessment_settings", args=[g.pk])
    page = c.get(url).content.decode()
    assert "等次「好」的最低分" in page and "「日常管理得分」中「等次」为「较好」的分值" in page
    assert "# setting" not in page and "result.grade" not in page.split("<form")[0]
    r = c.post(url, {"result.grade.bands[0].min": "92",
                     "measures[0].aggregate.value.points_by.等次.较好": "85"})
    assert r.status_code == 302
    a = Assessment.objects.get(pk=g.pk)
    assert "{grade: 好, min: 92}" in a.scheme_source and "较好: 85" in a.scheme_source
    assert a.scheme.model.result.grade.bands[0].min == 92     # the engine reads the new value
    entry = AuditEntry.objects.get(action="assessment.settings", object_id=str(g.pk))
    assert entry.before == {"等次「好」的最低分": 90, "「日常管理得分」中「等次」为「较好」的分值": 90}
    assert entry.after == {"等次「好」的最低分": 92, "「日常管理得分」中「等次」为「较好」的分值": 85}


def test_the_engine_checks_the_changed_scheme(g, world, login):
    c = login(world.bob)
    url = reverse("assessment_settings", args=[g.pk])
    r = c.post(url, {"rounding.places": "9"})         # the engine allows 0–6 places
    assert r.status_code == 400
    assert "修改后的方案有 1 处问题，未保存" in r.content.decode()
    r = c.post(url, {"result.grade.bands[0].min": "50"})      # 好 below 较好 80
    assert r.status_code == 400
    page = r.content.decode()
    assert "<li>等次分数线须从高到低排列</li>" in page
    assert "result.grade" not in page.split("<form")[0]
    r = c.post(url, {"result.grade.bands[0].min": "九十"})
    assert r.status_code == 400 and "请填写数字" in r.content.decode()
    assert Assessment.objects.get(pk=g.pk).scheme_source == g.scheme_source
    assert not AuditEntry.objects.filter(action="assessment.settings").exists()


def test_refused_once_a_period_is_published(g, world, login):
    Period.objects.filter(assessment=g).update(state=Period.State.PUBLISHED)
    with pytest.raises(ActionError, match="设置已锁定"):
        do_change_settings(world.bob, g, {"result.grade.bands[0].min": "92"})
    c = login(world.bob)
    page = c.get(reverse("assessment_settings", args=[g.pk])).content.decode()
    assert "参数已锁定" in page and "保存参数" not in page
    r = c.post(reverse("assessment_settings", args=[g.pk]), {"result.grade.bands[0].min": "92"})
    assert r.status_code == 400


@pytest.mark.parametrize("who", ["carol", "frank", "eve"])
def test_only_the_assessment_staff(g, world, login, who):
    url = reverse("assessment_settings", args=[g.pk])
    assert login(getattr(world, who)).get(url).status_code == 404
    assert login(getattr(world, who)).post(url, {"rounding.places": "3"}).status_code == 404
