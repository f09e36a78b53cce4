"""Kinds reported only when something happened (``expected: when_applicable``, e.g. E's 申诉):
never missing, overdue or reminded of, on the board, the to-do lists or in the mail — but
what was reported still shows."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.web import progress
from kaoping.web.actions.reminders import do_send_reminders
from kaoping.web.models import Period
from webhelpers import without_appeal_register

LATE = date(2026, 12, 22)   # two days after E's deadline (2026-12-20)


@pytest.fixture
def e_only(progress_world, monkeypatch, settings):
    """Only E's year is open (A's months are published); today is ``LATE``. E's 申诉 is
    taken as an ordinary optional kind (without its appeal mapping, which files appeals on the
    published result instead)."""
    from kaoping.web.models import Assessment

    w = progress_world
    Assessment.objects.filter(pk=w.e.pk).update(
        scheme_source=without_appeal_register(w.e.scheme_source))
    w.e = Assessment.objects.get(pk=w.e.pk)
    w.e_year.assessment = w.e
    for p in (w.jan, w.feb, w.mar):
        p.state = Period.State.PUBLISHED
        p.save()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (w.world.carol, w.world.dave):
        user.email = f"{user.username}@example.org"
        user.save()
    return w


def cells(board):
    return {r.unit.name: r.cells for r in board.rows}


def test_the_board_shows_an_appeal_but_never_misses_one(e_only):
    w = e_only
    w.record(w.e, w.e_year, w.world.b1, "指标评分", {"指标名称": "x"})
    w.record(w.e, w.e_year, w.world.b2, "申诉", {"申诉事项": "评分有误"})
    b = progress.board(w.e, w.e_year, LATE)
    # columns 指标评分, 申诉: 一支部 is done without appealing; 二支部 appealed but has not
    # reported its indicators, so it is overdue — for 指标评分 only
    assert cells(b) == {"一支部": ["done", "optional"], "二支部": ["overdue", "done"]}
    assert b.unit_counts == {"all": 2, "done": 1, "overdue": 1, "soon": 0, "open": 0}
    assert b.totals == {"done": 1, "overdue": 1, "soon": 0, "open": 0}
    assert b.column_done == [1, 1]


def test_outstanding_and_the_reporters_todo_skip_it(e_only):
    w = e_only
    missing = progress.outstanding(w.e_year, LATE)
    assert {u: [c.key for c, _ in cols] for u, cols in missing.items()} == {
        w.world.b1.pk: ["kind:指标评分"], w.world.b2.pk: ["kind:指标评分"]}
    assert [(t.column.key, t.state) for t in progress.reporter_todo(w.world.carol, LATE)] == [
        ("kind:指标评分", "overdue")]
    w.record(w.e, w.e_year, w.world.b1, "指标评分", {"指标名称": "x"})
    assert progress.reporter_todo(w.world.carol, LATE) == []   # nothing left: no appeal due


def test_no_reminder_for_a_unit_that_did_not_appeal(e_only, mailoutbox):
    w = e_only
    w.record(w.e, w.e_year, w.world.b1, "指标评分", {"指标名称": "x"})
    run = do_send_reminders(timezone.make_aware(datetime(2026, 12, 22, 9)))
    assert run.sent == 1 and [m.to for m in mailoutbox] == [["dave@example.org"]]
    assert mailoutbox[0].subject == "【党建考评】您有 1 项填报已逾期"
    assert "申诉" not in mailoutbox[0].body


def test_the_reporting_page_marks_it_optional(login, e_only):
    w = e_only
    c = login(w.world.carol)
    html = c.get(reverse("report_period", args=[w.e.pk, 1])).content.decode()
    appeal = html.split("<h3>申诉")[1].split("</h3>")[0]
    indicators = html.split("<h3>指标评分")[1].split("</h3>")[0]
    assert "有则填报" in appeal and "已逾期" in indicators
    assert html.index("<h3>指标评分") < html.index("<h3>申诉")   # what is due comes first
    home = c.get(reverse("reporting")).content.decode()
    assert "1 类未填" in home                                   # 指标评分 only
    w.record(w.e, w.e_year, w.world.b1, "申诉", {"申诉事项": "评分有误"})
    html = c.get(reverse("report_period", args=[w.e.pk, 1])).content.decode()
    assert "已完成" in html.split("<h3>申诉")[1].split("</h3>")[0]


def test_the_board_page_says_which_columns_are_optional(login, e_only):
    w = e_only
    html = login(w.world.bob).get(reverse("progress_board", args=[w.e.pk])).content.decode()
    assert 'title="申诉（有则填报）"' in html
    assert "有则填报（没有记录不算未完成）" in html
    assert '<td class="cell state-optional" title="一支部 · 申诉（有则填报）">–</td>' in html


def test_the_assessment_page_says_which_kinds_are_expected(login, e_only):
    w = e_only
    html = login(w.world.bob).get(reverse("assessment_detail", args=[w.e.pk])).content.decode()
    row = html.split("<td>申诉</td>")[1].split("</tr>")[0]
    assert "<td>有则填报</td>" in row
    assert "<td>是</td>" in html.split("<td>指标评分</td>")[1].split("</tr>")[0]
