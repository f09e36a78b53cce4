"""Scoring from the database: the engine's input built from records, and its result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.engine import evaluate
from kaoping.io.jsonfile import dataset_from_document
from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.models import Record, ScoringSnapshot
from kaoping.web.services import scoring
from webhelpers import publish_confirmed

S = Record.Status


def scores(result) -> dict[str, float]:
    return {u["unit"]: u["score"] for u in result.to_dict()["units"]}


def test_hand_worked_time_task(scheme_a_assessment):
    """一支部 on time: 1; 二支部 three days late: 1 − 0.1×3 = 0.7; item performance is each
    unit's points ÷ the best in 机关党委 (1), so the year's score is 1.00 and 0.70."""
    w = scheme_a_assessment
    w.time_task(w.world.b1, "2026-01-15")
    w.time_task(w.world.b2, "2026-01-18")
    outcome = scoring.score(w.a, w.jan)
    assert outcome.ok, outcome.problems
    assert scores(outcome.result) == {"一支部": 1.0, "二支部": 0.7}
    ranking = outcome.result.ranking()
    assert [(u.unit, u.rank, str(u.score)) for u in ranking] == [("一支部", 1, "1.00"),
                                                                 ("二支部", 2, "0.70")]


def test_same_result_as_the_engine_on_the_same_data(scheme_a_assessment):
    w = scheme_a_assessment
    b1, b2 = w.world.b1, w.world.b2
    w.time_task(b1, "2026-01-15")
    w.time_task(b2, "2026-01-18")
    w.record(b1, "数量任务", {"考核项目": "2", "业务名称": "三会一课", "应报数量": 4,
                              "实报数量": 3, "上报日期": "2026-01-20"})
    w.record(b2, "典型培养宣传", {"媒体层级": "省", "媒体名称": "大众日报",
                                  "文章题目": "纪实", "发表日期": "2026-02-03"}, period=w.feb)
    w.record(b2, "民主测评", {"得分": 0.9}, scheme_period=1, period=w.mar)
    doc = {"year": 2026, "units": [{"单位": "一支部", "上级组织": "机关党委"},
                                   {"单位": "二支部", "上级组织": "机关党委"}],
           "records": {kind: [] for kind in w.a.scheme.records}}
    for r in Record.objects.filter(assessment=w.a):
        spec = w.a.scheme.records[r.kind]
        row = {"单位": r.unit.name, **r.data}
        if spec.period == "month":
            row["月份"] = r.scheme_period
        elif spec.period == "quarter":
            row["季度"] = r.scheme_period
        doc["records"][r.kind].append(row)
    engine = evaluate(w.a.scheme, dataset_from_document(w.a.scheme, doc, None, "doc"))
    web = scoring.score(w.a, w.mar).result
    assert web.to_dict() == engine.to_dict()
    # up to 1月 only: February's article and March's evaluation are left out
    assert scores(scoring.score(w.a, w.jan).result) != scores(web)


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED])
def test_drafts_and_returned_records_are_not_scored(scheme_a_assessment, status):
    w = scheme_a_assessment
    w.time_task(w.world.b1, "2026-01-15")
    w.time_task(w.world.b2, "2026-01-15", status=status)
    assert scores(scoring.score(w.a, w.jan).result) == {"一支部": 1.0, "二支部": 0.0}


def test_accepted_records_are_scored(scheme_a_assessment):
    w = scheme_a_assessment
    w.time_task(w.world.b1, "2026-01-18", status=S.ACCEPTED)
    assert scores(scoring.score(w.a, w.jan).result)["一支部"] == 1.0  # the best scores 1


def test_input_problems_name_the_record_and_link_to_it(scheme_a_assessment, login):
    w = scheme_a_assessment
    bad = w.record(w.world.b2, "时间任务", {"考核项目": "不存在的项目", "业务名称": "x",
                                            "截止日期": "2026-01-15", "完成日期": "明天"})
    outcome = scoring.score(w.a, w.jan)
    assert not outcome.ok
    texts = [str(p) for p in outcome.problems]
    assert f"记录#{bad.pk} · 二支部 · 时间任务（考核项目）: 未知考核项目 \"不存在的项目\"" in texts
    assert any(t.startswith(f"记录#{bad.pk} · 二支部 · 时间任务（完成日期）") for t in texts)

    run = do_run_scoring(w.world.bob, w.jan)
    assert run.state == run.State.INVALID and run.problems == texts
    assert not run.units.exists() and not ScoringSnapshot.objects.filter(run=run).exists()
    html = login(w.world.bob).get(reverse("scoring_run", args=[run.pk])).content.decode()
    assert reverse("verify_record", args=[bad.pk]) in html
    assert "未知考核项目" in html
    assert "二支部 · 时间任务（考核项目）" in html and f"记录#{bad.pk}" not in html


def test_submission_date_filled_when_the_form_left_it_blank(scheme_a_assessment):
    """数量任务's 上报日期 is ``auto: submitted_on``: the submission date when not in data."""
    w = scheme_a_assessment
    r = w.record(w.world.b1, "数量任务", {"考核项目": "2", "业务名称": "三会一课",
                                          "应报数量": 2, "实报数量": 2})
    Record.objects.filter(pk=r.pk).update(submitted_at="2026-01-27T09:00:00+08:00")
    data = scoring.dataset_for(w.a, w.jan)
    assert len(data.records["数量任务"]) == 1
    result = scoring.score(w.a, w.jan).result
    # reported after the 25th: late, at most 0.5
    assert scores(result)["一支部"] == 1.0  # the best in 机关党委 is the base
    expl = result.to_dict(explanations=True)["explanations"]["一支部"]
    assert "2026-01-27" in str(expl)


def test_history_from_earlier_years_publications(scheme_a_assessment):
    """A 2025 assessment with the same scheme and organisation, published, is the history."""
    w = scheme_a_assessment
    from kaoping.web.models import AssessedUnit, Assessment, Period

    old = Assessment.objects.create(
        name="2025", organisation=w.world.organ, scheme_id="A", scheme_name="A",
        scheme_source=w.a.scheme_source, scheme_file=w.a.scheme_file, year=2025,
        created_by=w.world.bob)
    for u in (w.world.b1, w.world.b2):
        AssessedUnit.objects.create(assessment=old, organisation=u)
    dec = Period.objects.create(assessment=old, number=1, deadline="2025-12-25")
    Record.objects.create(assessment=old, period=dec, unit=w.world.b1, kind="时间任务",
                          scheme_period=1, status=S.SUBMITTED, created_by=w.world.bob,
                          data={"考核项目": "3", "业务名称": "x", "截止日期": "2025-01-15",
                                "完成日期": "2025-01-15"})
    publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, dec))
    history = scoring.history_for(w.a)
    assert list(history) == [2025] and history[2025].units["一支部"].rank == 1

    w.time_task(w.world.b1, "2026-01-15")
    result = scoring.score(w.a, w.jan).result
    flags = {u.unit: u.flags for u in result.ranking()}
    assert "书记、党务工作者优先作为后备干部培养" in flags["一支部"]  # first two years running
