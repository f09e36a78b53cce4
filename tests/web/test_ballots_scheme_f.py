"""Scheme F's year-end assessment: 考核组 50 + 党建监督员 40 + 党员干部 5 + 服务对象 5.

The assessment team's score (考核组评分) is not voted: the engine computes it from the team's
own records (常规化指标 × 0.6 + 差异化指标 × 0.4, each item by the efficacy coefficient). The
ballot covers the three voted groups with their scheme weights and writes their means into
年末评议's three fields; the engine's 年末考核分 weighs all four."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web import ballot_results
from kaoping.web.actions.ballots import (
    CategorySpec,
    ballot_defaults,
    do_close_ballot,
    do_create_ballot,
    scheme_share,
)
from kaoping.web.actions.base import ActionError
from kaoping.web.models import Ballot, Record
from kaoping.web.services import scoring

STEM = "f-linxi-three-level"


def _create(k, a, categories, **kw):
    now = timezone.now()
    d = ballot_defaults(a, "年末评议")
    d.pop("categories")
    d.update(kw)
    return do_create_ballot(k.world.bob, a, title="年末评议", kind="年末评议",
                            period=a.periods.get(), categories=categories,
                            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
                            units=[k.world.b1], **d)


def test_defaults_are_the_voted_groups_with_their_weights(ballot_assessment):
    a = ballot_assessment.make(STEM)
    d = ballot_defaults(a, "年末评议")
    assert (d["write"], d["form"]) == ("fields", "score")
    assert d["categories"] == [("党建监督员", 40.0), ("党员干部", 5.0), ("服务对象", 5.0)]
    assert d["field_map"] == {"党建监督员": "党建监督员评分", "党员干部": "党员干部评分",
                              "服务对象": "服务对象评分"}
    share = scheme_share(a.scheme, "年末评议")
    assert share.label == "年末考核分"
    assert [(p.label, p.weight) for p in share.elsewhere] == [("考核组评分", 50.0)]
    assert sum(p.weight for p in share.fed) == 50


def test_year_end_score_from_the_ballot_and_the_teams_own_records(ballot_assessment):
    k = ballot_assessment
    w = k.world
    a = k.make(STEM)
    period = a.periods.get()
    # the defaults as they come, only the number of codes chosen: no hand entry
    d = ballot_defaults(a, "年末评议")
    ballot = _create(k, a, [CategorySpec(name, weight, tokens=2)
                            for name, weight in d["categories"]])
    assert ballot.field_map == d["field_map"]
    for s in (70, 90):                                  # 党建监督员 (70 + 90) / 2 = 80
        k.vote(ballot, "党建监督员", {w.b1: s})
    for s in (60, 80):                                  # 党员干部 (60 + 80) / 2 = 70
        k.vote(ballot, "党员干部", {w.b1: s})
    for s in (50, 70):                                  # 服务对象 (50 + 70) / 2 = 60
        k.vote(ballot, "服务对象", {w.b1: s})
    r = ballot_results.load(ballot)
    # the ballot's own weighted score covers its groups only:
    # (40 × 80 + 5 × 70 + 5 × 60) / 50 = (3200 + 350 + 300) / 50 = 77
    assert r.unit(w.b1.pk).weighted == pytest.approx(77)
    [record] = do_close_ballot(w.bob, ballot)
    assert record.data == {"党建监督员评分": 80, "党员干部评分": 70, "服务对象评分": 60}
    # the assessment team's score comes from its own records, entered by the assessor:
    # each item 60 + 40 × (75 − 0) / (100 − 0) = 60 + 30 = 90; team 0.6 × 90 + 0.4 × 90 = 90
    for kind in ("常规化指标", "差异化指标"):
        Record.objects.create(assessment=a, period=period, kind=kind, unit=w.b1,
                              data={"指标名称": "组织生活", "完成值": 75, "最优值": 100,
                                    "最差值": 0},
                              status=Record.Status.ACCEPTED, created_by=w.bob)
    outcome = scoring.score(a, period)
    assert outcome.ok, outcome.problems
    res = outcome.result
    i = res.index_of("一支部")

    def value(measure):
        return float(res.measure(measure)[i].sum())

    assert value("team") == pytest.approx(90)
    assert (value("supervisors"), value("members"), value("recipients")) == (80, 70, 60)
    # 年末考核分 = 0.5 × 90 + 0.4 × 80 + 0.05 × 70 + 0.05 × 60 = 45 + 32 + 3.5 + 3 = 83.5
    assert value("year_end") == pytest.approx(83.5)


def test_a_team_category_or_a_changed_weight_is_refused_beside_its_row(ballot_assessment):
    k = ballot_assessment
    a = k.make(STEM)
    with pytest.raises(ActionError) as e:
        _create(k, a, [CategorySpec("考核组", 50, raters=[k.world.bob]),
                       CategorySpec("党建监督员", 40, tokens=2),
                       CategorySpec("党员干部", 5, tokens=2), CategorySpec("服务对象", 5, tokens=2)])
    assert "考核组评分（50）由其自己的记录计算" in e.value.fields["category-0"]
    assert set(e.value.fields) == {"category-0"}
    with pytest.raises(ActionError) as e:
        _create(k, a, [CategorySpec("党建监督员", 50, tokens=2),
                       CategorySpec("党员干部", 5, tokens=2), CategorySpec("服务对象", 5, tokens=2)])
    assert e.value.fields == {"category-0": "方案规定「党建监督员评分」的权重为 40"}
    assert not Ballot.objects.exists()


def test_the_form_comes_out_right_and_saves_as_shown(ballot_assessment, login):
    k = ballot_assessment
    a = k.make(STEM)
    c = login(k.world.bob)
    url = f"/assessments/{a.pk}/ballots/new/"
    page = c.get(url + "?kind=年末评议").text
    for name, weight, field in (("党建监督员", 40, "党建监督员评分"), ("党员干部", 5, "党员干部评分"),
                                ("服务对象", 5, "服务对象评分")):
        assert f'name="cat_name" value="{name}"' in page
        assert f'name="cat_weight" value="{weight}"' in page
        assert f'<option value="{field}" selected>{field}（方案权重 {weight}）' in page
    assert "考核组评分 50（由其自己的记录计算，不经测评）" in page
    assert '权重合计 <strong id="weight-sum">50</strong>' in page
    data = {"kind": "年末评议", "title": "年末评议", "period": a.periods.get().pk, "form": "score",
            "cat_name": ["党建监督员", "党员干部", "服务对象"], "cat_weight": ["40", "5", "5"],
            "cat_tokens": ["20", "30", "30"],
            "cat_target": ["党建监督员评分", "党员干部评分", "服务对象评分"],
            "cat_raters": ["", "", ""], "opens_at": "2026-12-10T09:00",
            "closes_at": "2026-12-10T12:00", "must_rate_all": "1", "write": "fields",
            "scale": "1", "units": [k.world.b1.pk, k.world.b2.pk]}
    # adding the team as a fourth group by hand is refused beside its row, nothing saved
    bad = {**data, "cat_name": [*data["cat_name"], "考核组"], "cat_weight": ["40", "5", "5", "50"],
           "cat_tokens": ["20", "30", "30", "0"], "cat_target": [*data["cat_target"], ""],
           "cat_raters": ["", "", "", "bob frank"]}
    r = c.post(url, bad)
    assert r.status_code == 400 and not Ballot.objects.exists()
    text = r.content.decode()
    assert text.count('class="errorlist row-error"') == 1
    assert "请选择结果写入的字段；方案中的考核组评分（50）由其自己的记录计算，不经测评" in text
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()
    b = Ballot.objects.get()
    assert [(x.name, x.weight, x.tokens.count()) for x in b.categories.all()] == [
        ("党建监督员", 40, 20), ("党员干部", 5, 30), ("服务对象", 5, 30)]
    assert b.field_map == {"党建监督员": "党建监督员评分", "党员干部": "党员干部评分",
                           "服务对象": "服务对象评分"}


def test_weights_renormalised_without_a_category():
    # 服务对象 has no votes: (40 × 80 + 5 × 70) / 45 = (3200 + 350) / 45 = 78.888…
    w = ballot_results.weighted({"党建监督员": 80, "党员干部": 70, "服务对象": None},
                                {"党建监督员": 40, "党员干部": 5, "服务对象": 5})
    assert w == pytest.approx(3550 / 45)
