"""A unit's history names what each row is about in words — the record's kind and period,
the publication's period and revision — never an internal id (issue 11, point 7)."""

from __future__ import annotations

import re

from django.urls import reverse

from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.actions.verification import do_adjust_record
from webhelpers import publish_confirmed


def test_unit_history_shows_no_ids(scheme_a_assessment, login):
    w = scheme_a_assessment
    r1 = w.time_task(w.world.b1, "2026-01-15")
    do_adjust_record(w.world.bob, r1, "完成日期", "2026-01-16", "佐证日期为 16 日")
    run = do_run_scoring(w.world.bob, w.jan)
    publish_confirmed(w.world.bob, run)
    for who in (w.world.carol, w.world.bob):
        page = login(who).get(reverse("unit_history", args=[w.world.b1.pk])).content.decode()
        main = page[page.index("<main>"):]
        assert not re.search(r"#\d|publication|scoringrun|record#", main), \
            re.search(r"#\d|publication|scoringrun|record#", main)[0]
        assert "1月 公示第 1 版" in main
        assert f'<a href="{reverse("record_history", args=[r1.pk])}">时间任务（1月）</a>' in main
        assert '考核期：<span class="muted">（无）</span> → 1月' in main
    staff = login(w.world.bob).get(reverse("unit_history", args=[w.world.b1.pk])).content.decode()
    assert "1月 评分" in staff


def test_record_history_names_the_record_in_words(scheme_a_assessment, login):
    w = scheme_a_assessment
    r = w.time_task(w.world.b1, "2026-01-15")
    page = login(w.world.carol).get(reverse("record_history", args=[r.pk])).content.decode()
    assert "修改历史：一支部 · 时间任务（1月）" in page
    assert f"#{r.pk}" not in page[page.index("<main>"):]
