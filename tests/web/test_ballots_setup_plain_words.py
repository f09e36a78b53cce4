"""The ballot set-up form takes a period as its label says it ("第2季度", the way its own
error lists the choices) and speaks of where the results go in plain words, with a choice
of the record kind's own items instead of internal field names to type."""

from __future__ import annotations

import pytest

from kaoping.web.models import Ballot

INTERNAL = ("写入方式", "得分字段", "折算系数", "类别字段", "等次字段", "票数字段")


@pytest.fixture
def a(ballot_assessment):
    return ballot_assessment.make("a-linyi-branches")   # a yearly cycle: one period, 4 quarters


def _post(a, world, **kw):
    data = {"kind": "民主测评", "title": "第二季度民主测评", "period": a.periods.get().pk,
            "form": "choices", "choice_label": ["好", "较好", "一般", "差"],
            "choice_points": ["100", "80", "60", "40"], "cat_name": ["党员"],
            "cat_weight": ["100"], "cat_tokens": ["10"], "cat_target": [""], "cat_raters": [""],
            "opens_at": "2026-12-10T09:00", "closes_at": "2026-12-10T12:00",
            "must_rate_all": "1", "write": "value", "value_field": "得分", "scale": "0.01",
            "category_field": "", "units": [world.b1.pk, world.b2.pk]}
    data.update(kw)
    return data


@pytest.mark.parametrize("typed, number", [("第2季度", 2), (" 第3季度 ", 3), ("4", 4)])
def test_the_period_is_taken_by_its_label(a, world, login, typed, number):
    c = login(world.bob)
    r = c.post(f"/assessments/{a.pk}/ballots/new/", _post(a, world, scheme_period=typed))
    assert r.status_code == 302, r.content.decode()
    assert Ballot.objects.get().scheme_period == number


def test_a_period_outside_lists_the_labels_it_accepts(a, world, login):
    c = login(world.bob)
    r = c.post(f"/assessments/{a.pk}/ballots/new/", _post(a, world, scheme_period="第5季度"))
    assert r.status_code == 400
    assert "可选：第1季度、第2季度、第3季度、第4季度" in r.content.decode()
    assert not Ballot.objects.exists()


def test_the_form_speaks_plain_words(a, world, login):
    c = login(world.bob)
    page = c.get(f"/assessments/{a.pk}/ballots/new/?kind=民主测评").content.decode()
    for word in INTERNAL:
        assert word not in page, word
    assert "结果怎样记入考核" in page and "平均分记入哪一项" in page and "换算倍数" in page
    # the kind's own items to choose from, starting with 请选择; the quarters as suggestions
    assert '<select name="value_field" id="value_field"><option value="">请选择</option>' \
        '<option selected>得分</option></select>' in page
    assert '<option value="第2季度">' in page
    assert "novalidate" in page


def test_a_missing_item_is_named_in_plain_words(a, world, login):
    c = login(world.bob)
    r = c.post(f"/assessments/{a.pk}/ballots/new/",
               _post(a, world, scheme_period="第2季度", value_field=""))
    assert r.status_code == 400
    text = r.content.decode()
    assert "平均分记入哪一项：未选择，须选「民主测评」中填数字的项" in text
    for word in INTERNAL:
        assert word not in text, word
