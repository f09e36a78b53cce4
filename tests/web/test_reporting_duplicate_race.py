"""Two submissions at the same instant that cannot both stand — the same ``unique`` key, or
two ratings that together break a quota — are checked one after the other: exactly one is
accepted, the other is refused with the engine's message. On SQLite and on PostgreSQL.

To make the race certain, every check is slowed down: a submission that has checked waits
half a second before it writes, so without the serialisation both would check before either
had written (and both would pass)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kaoping.web import recordcheck
from kaoping.web.actions import records as record_actions
from kaoping.web.actions.base import ActionError
from kaoping.web.actions.records import do_save_record
from kaoping.web.models import Record

ARTICLE = {"媒体层级": "省", "媒体名称": "大众日报", "文章题目": "支部工作法", "发表日期": "2026-01-10"}


@pytest.fixture
def slow_checks(monkeypatch):
    real = recordcheck.check
    checked = []

    def check(*args, **kwargs):
        try:
            out = real(*args, **kwargs)
        finally:
            checked.append(time.monotonic())   # when each check was done (passed or not)
        time.sleep(0.5)          # between the check and the write, the other one arrives
        return out

    monkeypatch.setattr(record_actions, "check", check)
    return checked


def at_once(*calls):
    """Run the calls in two threads released together; their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the refusal is a result here
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_article_submitted_twice_at_once_is_accepted_once(reporting, slow_checks):
    w = reporting.world
    clients = []
    for _ in range(2):
        c = Client()
        c.force_login(w.carol)
        clients.append(c)
    url = reverse("record_create", args=[reporting.a.pk, 1]) + "?kind=典型培养宣传"
    payload = {"kind": "典型培养宣传", "unit": str(w.b1.pk), "scheme_period": "1", "submit": "1",
               **ARTICLE}
    responses = at_once(*(lambda c=c: c.post(url, payload) for c in clients))
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(r for r in responses if r.status_code == 400)
    problems = refused.context["form"].general_problems
    assert any("重复" in p and "文章题目+媒体名称" in p for p in problems), problems
    assert Record.objects.filter(kind="典型培养宣传").count() == 1
    assert len(slow_checks) == 2
    # the second check was done only after the first submission had written: it saw it
    assert slow_checks[1] - slow_checks[0] >= 0.45


@pytest.mark.django_db(transaction=True)
def test_two_ratings_that_break_the_quota_together_are_not_both_accepted(ballot_assessment,
                                                                         slow_checks):
    """G's 日常管理评定 allows ⌊0.3 × 2 + ½⌋ = 1 好 among 机关党委's two units: two assessors'
    好 for different units at once — one passes, the other meets the quota."""
    k = ballot_assessment
    a = k.make("g-xiangxi-secretaries")
    period = a.periods.get()

    def rate(unit):
        return lambda: do_save_record(k.world.bob, assessment=a, period=period,
                                      kind="日常管理评定", unit=unit, scheme_period=None,
                                      values={"等次": "好"}, submit=True)

    results = at_once(rate(k.world.b1), rate(k.world.b2))
    accepted = [r for r in results if isinstance(r, Record)]
    refused = [r for r in results if isinstance(r, ActionError)]
    assert len(accepted) == 1 and len(refused) == 1, results
    assert "好 已选 2 个，最多 1 个" in refused[0].message
    assert Record.objects.filter(kind="日常管理评定").count() == 1


def test_lock_keys_are_per_unit_unless_the_check_looks_across_units(ballot_assessment):
    k = ballot_assessment
    a = k.make("a-linyi-branches")
    b1, b2 = k.world.b1.pk, k.world.b2.pk
    one, two = (recordcheck.lock_keys(a, "典型培养宣传", [u]) for u in (b1, b2))
    assert len(one) == 1 and one != two                 # two units never wait for each other
    assert recordcheck.lock_keys(a, "典型培养宣传", [b2, b1, b1]) == sorted(one + two)
    assert recordcheck.lock_keys(a, "质量成果", [b1]) != one   # nor two kinds
    # 展评排名 is unique per 上级组织 and 季度 (a rank is given once in a group): one key
    assert recordcheck.lock_keys(a, "展评排名", [b1]) == recordcheck.lock_keys(a, "展评排名", [b2])
    g = k.make("g-xiangxi-secretaries")
    assert len(recordcheck.lock_keys(g, "日常管理评定", [b1, b2])) == 1   # a quota
