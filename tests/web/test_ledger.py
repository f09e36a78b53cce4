"""整改台账 (seed 003): a problem found in a unit goes report → review until it is closed;
红黄绿 by its deadline; each unit sees only its own; the ledger exports to Excel."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kaoping.web.actions.base import ActionError
from kaoping.web.actions.ledger import (
    do_open_problem,
    do_report_rectification,
    do_review_rectification,
)
from kaoping.web.models import AuditEntry, Problem
from kaoping.web.services.ledger import Light


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    w.today = timezone.localdate()
    w.deduction = w.record(w.world.b2, "月度扣分", {"类型": "督办", "扣分": 0.05, "事由": "组织生活会记录缺失"}, status="accepted")
    w.problem = do_open_problem(
        w.world.bob, w.a, w.world.b2, source="deduction", source_note="督办扣 0.05 分",
        description="1月组织生活会记录缺失", measure="补齐会议记录并建立台账",
        responsible="二支部书记", deadline=w.today + timedelta(days=10), record=w.deduction)
    return w


def test_report_rejected_report_closed(w):
    p = w.problem
    assert Light.of(p, w.today).label == "整改中，还剩 10 天"
    do_report_rectification(w.world.dave, p, "已补记录")
    p.refresh_from_db()
    assert p.state == Problem.State.REPORTED
    with pytest.raises(ActionError):  # not accepted needs a reason
        do_review_rectification(w.world.bob, p, accepted=False, text="")
    do_review_rectification(w.world.bob, p, accepted=False, text="记录无签字，请补签")
    p.refresh_from_db()
    assert p.state == Problem.State.OPEN
    do_report_rectification(w.world.dave, p, "已补签字并建立台账")
    do_review_rectification(w.world.bob, p, accepted=True, text="")
    p.refresh_from_db()
    assert p.state == Problem.State.CLOSED and Light.of(p, w.today).colour == "green"
    assert [e.kind for e in p.entries.all()] == ["report", "rejected", "report", "accepted"]
    assert AuditEntry.objects.filter(action__startswith="problem.").count() == 5  # 1 + 4


@pytest.mark.parametrize(("days", "colour", "label"), [
    (-3, "red", "已逾期 3 天"), (0, "yellow", "今天到期"), (5, "yellow", "整改中，还剩 5 天")])
def test_red_yellow_green_by_the_deadline(w, days, colour, label):
    Problem.objects.filter(pk=w.problem.pk).update(deadline=w.today + timedelta(days=days))
    w.problem.refresh_from_db()
    assert Light.of(w.problem, w.today) == Light(colour, label)


def test_only_the_unit_reports_and_only_the_assessor_reviews(w):
    with pytest.raises(ActionError):
        do_report_rectification(w.world.carol, w.problem, "不是本单位")
    do_report_rectification(w.world.dave, w.problem, "已整改")
    with pytest.raises(ActionError):
        do_review_rectification(w.world.dave, w.problem, accepted=True, text="")


def test_a_unit_sees_only_its_own_problems(w, login):
    url = reverse("ledger", args=[w.a.pk])
    assert "1月组织生活会记录缺失" in login(w.world.dave).get(url).content.decode()
    assert "1月组织生活会记录缺失" not in login(w.world.carol).get(url).content.decode()
    detail = reverse("problem_detail", args=[w.problem.pk])
    assert login(w.world.carol).get(detail).status_code == 404
    assert login(w.world.eve).get(url).status_code == 404


def test_bad_input_names_the_field_and_saves_nothing(w, login):
    c = login(w.world.bob)
    resp = c.post(reverse("problem_new", args=[w.a.pk]),
                  {"unit": w.world.b1.pk, "source": "inspection", "description": "",
                   "measure": "整改", "responsible": "", "deadline": "2026-13-01"})
    page = resp.content.decode()
    assert resp.status_code == 400
    assert "请填写问题描述" in page and "请填写责任人" in page and "请填写整改时限" in page
    assert Problem.objects.count() == 1
    assert login(w.world.dave).post(reverse("problem_new", args=[w.a.pk]),
                                    {"unit": w.world.b2.pk}).status_code == 404


def test_the_ledger_exports_as_a_rectification_workbook(w, login):
    do_report_rectification(w.world.dave, w.problem, "已补记录")
    resp = login(w.world.bob).get(reverse("ledger_export", args=[w.a.pk]))
    ws = load_workbook(BytesIO(resp.content))["整改台账"]
    head = [c.value for c in ws[2]]
    row = dict(zip(head, [c.value for c in ws[3]], strict=True))
    assert row["单位"] == "二支部" and row["问题来源"] == "核查扣分：督办扣 0.05 分"
    assert row["整改情况"] == "已补记录" and row["状态"] == "已报整改情况，待审核"
    assert row["整改时限"].date() == w.today + timedelta(days=10)
    assert ws.max_row == 3
