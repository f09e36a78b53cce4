"""结果运用 (issue 9 point 4): the scheme's flags in a published result become follow-up
items, once each; a ``rectify`` flag (A's 纳入党建整改范围) opens a ledger problem by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.ledger import do_close_follow_up
from kaoping.web.actions.scoring import do_publish_revision, do_run_scoring
from kaoping.web.actions.verification import do_correct_record
from kaoping.web.models import Assessment, FollowUp, Problem
from webhelpers import publish_confirmed

TWO_YEARS_LAST = "when: {running: {years: 2, when: {last: true}}}"


@pytest.fixture
def w(scheme_a_assessment):
    """Scheme A with 纳入党建整改范围 raised for the last unit of this year alone (the test
    has no earlier year to run on). 一支部 on time: 1.00; 二支部 3 days late: 0.70."""
    w = scheme_a_assessment
    source = w.a.scheme_source
    assert TWO_YEARS_LAST in source
    Assessment.objects.filter(pk=w.a.pk).update(
        scheme_source=source.replace(TWO_YEARS_LAST, "when: {last: true}"))
    w.a = Assessment.objects.get(pk=w.a.pk)
    w.jan.assessment = w.a
    w.r1 = w.time_task(w.world.b1, "2026-01-15", status="accepted")
    w.r2 = w.time_task(w.world.b2, "2026-01-18", status="accepted")
    w.pub = publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, w.jan))
    return w


def test_flags_become_follow_ups_and_rectification_a_ledger_problem(w):
    # mean (1.00 + 0.70) ÷ 2 = 0.85: 二支部 0.70 is below it and last; 一支部 has no flag
    items = {fu.flag: fu for fu in FollowUp.objects.filter(unit=w.world.b2)}
    assert set(items) == {"不予上报先进基层党组织", "纳入党建整改范围"}
    assert not FollowUp.objects.filter(unit=w.world.b1).exists()
    assert items["不予上报先进基层党组织"].problem is None
    problem = items["纳入党建整改范围"].problem
    assert problem.source == Problem.Source.FLAG and problem.unit == w.world.b2
    assert problem.deadline == timezone.localdate() + timedelta(days=30)
    assert "支部书记作出整改承诺" in problem.description


def test_a_revision_with_the_same_flags_opens_nothing_twice(w):
    do_correct_record(w.world.bob, w.r2, {"完成日期": "2026-01-17"}, "核实为 17 日")
    # 二支部 2 days late: 1 − 0.1×2 = 0.80, still last and below the mean 0.90
    do_publish_revision(w.world.bob, w.jan, do_run_scoring(w.world.bob, w.jan), "日期更正")
    assert FollowUp.objects.count() == 2 and Problem.objects.count() == 1


def test_a_follow_up_is_closed_with_a_note_by_the_assessor(w, login):
    fu = FollowUp.objects.get(flag="不予上报先进基层党组织")
    with pytest.raises(ActionError):
        do_close_follow_up(w.world.carol, fu, "x")
    c = login(w.world.bob)
    url = reverse("follow_ups", args=[w.a.pk])
    page = c.get(url).content.decode()
    assert "纳入党建整改范围" in page and "整改台账" in page
    assert c.post(url, {"follow_up": fu.pk, "note": ""}).status_code == 400
    assert c.post(url, {"follow_up": fu.pk, "note": "年度评先名单未报二支部"}).status_code == 302
    fu.refresh_from_db()
    assert fu.done and fu.done_note == "年度评先名单未报二支部"
    assert login(w.world.dave).get(url).status_code == 404


def test_the_rectification_window_is_a_setting_of_the_assessment(scheme_a_assessment):
    from kaoping.web.actions.assessments import _check_settings

    with pytest.raises(ActionError) as exc:
        _check_settings(3, rectify_days=0)
    assert exc.value.fields == {"rectify_days": "须在 1—90 之间"}
