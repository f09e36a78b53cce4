"""A correction after publication is checked by the engine with the whole record, as on entry:
scheme G's 3:5:2 quota of 日常管理评定 across the other stored records, and the interval of a
"视情节轻重" deduction clause. A refused correction shows every problem beside the value
(HTTP 400) and saves nothing; a valid one is saved and re-scored into revision 2.

Scheme G over ten secretaries (支部1 … 支部10, one group: 机关党委), one yearly period. Every
unit has a field check in the first quarter with no deduction (实地核查 100), 民意调查 80 and
one 述职测评 sheet of 90; 日常管理评定 is 3 好, 5 较好, 2 一般 — the quota's limit for ten
units: 好 at most ⌊0.3 × 10 + ½⌋ = 3, 好 + 较好 at most ⌊0.8 × 10 + ½⌋ = 8.

综合考评得分 = 0.2 × 日常管理 + 0.5 × 实地核查 + 0.1 × 民意调查 + 0.2 × 述职测评
  好   (100): 20 + 50 + 8 + 18 = 96
  较好 (90):  18 + 50 + 8 + 18 = 94
  一般 (80):  16 + 50 + 8 + 18 = 92
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from helpers import run_scores
from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish_revision, do_run_scoring
from kaoping.web.actions.verification import do_correct_record
from kaoping.web.models import AuditEntry, Record
from webhelpers import publish_confirmed

GRADES = ["好"] * 3 + ["较好"] * 5 + ["一般"] * 2


@pytest.fixture
def g(ballot_assessment):
    w = ballot_assessment
    units = w.branches(10)
    a = w.make("g-xiangxi-secretaries", units=units)
    period = a.periods.get()

    def record(unit, kind, data, scheme_period=None):
        return Record.objects.create(
            assessment=a, period=period, unit=unit, kind=kind, data=data,
            scheme_period=scheme_period, status=Record.Status.ACCEPTED,
            submitted_at=timezone.now(), created_by=w.world.bob)

    daily = {}
    for unit, grade in zip(units, GRADES, strict=True):
        daily[unit.name] = record(unit, "日常管理评定", {"等次": grade, "依据": None})
        record(unit, "实地核查", {"核查日期": "2026-03-20", "核查组": "第一组"}, scheme_period=1)
        record(unit, "民意调查", {"得分": 80})
        record(unit, "述职测评", {"测评人": None, "得分": 90})
    pub1 = publish_confirmed(w.world.bob, do_run_scoring(w.world.bob, period))
    return w, a, period, units, daily, pub1


def scores(pub) -> dict[str, float]:
    return run_scores(pub)


def test_revision_1_as_worked_by_hand(g):
    *_, pub1 = g
    assert scores(pub1) == {**{f"支部{i}": 96.0 for i in (1, 2, 3)},
                            **{f"支部{i}": 94.0 for i in (4, 5, 6, 7, 8)},
                            **{f"支部{i}": 92.0 for i in (9, 10)}}


def test_a_correction_that_breaks_the_quota_is_refused(g, login):
    w, a, period, units, daily, pub1 = g
    r10 = daily["支部10"]
    # 一般 → 较好 makes 好 + 较好 nine of ten: more than 8
    with pytest.raises(ActionError, match="好\\+较好 已选 9 个，最多 8 个"):
        do_correct_record(w.world.bob, r10, {"等次": "较好"}, "复核等次")
    # 一般 → 好 breaks both limits: 4 好 of at most 3, and 9 好 + 较好
    c = login(w.world.bob)
    resp = c.post(reverse("record_correct", args=[r10.pk]),
                  {"field": "等次", "value": "好", "reason": "复核等次"})
    assert resp.status_code == 400
    beside = resp.context["errors"]["correct"]["value"]
    assert "好 已选 4 个，最多 3 个" in beside and "好+较好 已选 9 个，最多 8 个" in beside
    assert "机关党委，共 10 个单位" in beside
    assert beside in resp.content.decode()
    r10.refresh_from_db()
    assert r10.data["等次"] == "一般"
    assert not AuditEntry.objects.filter(action="record.correct").exists()


def test_a_valid_correction_is_saved_and_re_scored(g, login):
    w, a, period, units, daily, pub1 = g
    r8 = daily["支部8"]
    c = login(w.world.bob)
    resp = c.post(reverse("record_correct", args=[r8.pk]),
                  {"field": "等次", "value": "一般", "reason": "复核后降为一般"})
    assert resp.status_code == 302
    r8.refresh_from_db()
    assert r8.data["等次"] == "一般"
    row = AuditEntry.objects.get(action="record.correct")
    assert (row.before, row.after, row.reason) == (
        {"等次": "较好"}, {"等次": "一般"}, "复核后降为一般")
    # 3 好, 4 较好, 3 一般: within the quota. Freed from 较好, 支部10 may now take it.
    do_correct_record(w.world.bob, daily["支部10"], {"等次": "较好"}, "复核后升为较好")
    pub2 = do_publish_revision(w.world.bob, period, do_run_scoring(w.world.bob, period),
                               "日常管理等次复核")
    after = scores(pub2)
    # 支部8: 0.2 × 80 + 0.5 × 100 + 0.1 × 80 + 0.2 × 90 = 16 + 50 + 8 + 18 = 92
    # 支部10: 0.2 × 90 + 0.5 × 100 + 0.1 × 80 + 0.2 × 90 = 18 + 50 + 8 + 18 = 94
    assert (after["支部8"], after["支部10"], after["支部1"], after["支部9"]) == (
        92.0, 94.0, 96.0, 92.0)
    pub1.refresh_from_db()
    assert (scores(pub1)["支部8"], scores(pub1)["支部10"]) == (94.0, 92.0)  # revision 1 kept


def test_a_deduction_outside_its_clause_interval_is_refused(g):
    """The field allows any 扣分 ≥ 0; clause 2.2e (视情节轻重) allows 0.5—5: only the
    engine's check of the whole record sees it."""
    w, a, period, units, daily, pub1 = g
    deduction = Record.objects.create(
        assessment=a, period=period, unit=units[0], kind="核查扣分", scheme_period=1,
        data={"考核项目": "2.2", "扣分条款": "2.2e", "次数": None, "扣分": 2,
              "核查情况": "发布负面信息"},
        status=Record.Status.ACCEPTED, submitted_at=timezone.now(), created_by=w.world.bob)
    with pytest.raises(ActionError, match="扣分 6 不在条款 2.2e 的区间 0.5—5 内") as refused:
        do_correct_record(w.world.bob, deduction, {"扣分": "6"}, "复核")
    assert "区间" in refused.value.fields["value"]
    deduction.refresh_from_db()
    assert deduction.data["扣分"] == 2
    do_correct_record(w.world.bob, deduction, {"扣分": "4.5"}, "复核后从重")
    deduction.refresh_from_db()
    assert deduction.data["扣分"] == 4.5
