"""The explanation (得分说明) as a page a person reads (issue 11, point 5): a folding table
per level down to the records, each value's rule in words (not "0.7 ÷ 同一上级组织内最高 1"),
links to the records, a tie at first said 并列第 1 名, an A4 print view and a PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.services import results
from kaoping.web.services.explanation import explanation_page, headline_words

ITEM = "记录规范及档案整理情况"


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    # 一支部 3 days late: 1 − 0.1×3 = 0.7; 二支部 on time: 1 → the group's best is 1
    w.r1 = w.time_task(w.world.b1, "2026-01-18")
    w.r2 = w.time_task(w.world.b2, "2026-01-15")
    w.run = do_run_scoring(w.world.bob, w.jan)
    assert w.run.ok, w.run.problems
    return w


def _levels(page):
    out = {}

    def walk(level):
        out[level.label] = level
        for row in level.rows:
            walk(row)

    for top in page.levels:
        walk(top)
    return out


def test_the_rule_in_words(w):
    doc = {r.name: results.explanation(w.run, r) for r in w.run.units.all()}
    one = _levels(explanation_page(doc["一支部"]))
    two = _levels(explanation_page(doc["二支部"]))
    label = f"1月 3 {ITEM} 绩效积分"
    # 0.7 ÷ 1 = 0.7, said without the formula
    assert one[label].value == "0.7"
    assert one[label].words == "本单位「业务得分」0.7，同一上级组织内最高 1（二支部），按所占比例得 0.7"
    # 1 ÷ 1 = 1: the best of the group gets the full point
    assert two[label].words == "本单位「业务得分」1，同一上级组织内最高 1（二支部），是同一上级组织内最高的，得满分 1"
    records = one[f"1月 3 {ITEM} 时间任务得分"].records
    assert [(r.kind, r.value, r.detail) for r in records] == [
        ("时间任务", "0.7", "截止 2026-01-15，完成 2026-01-18，超期 3 天：1 − 0.1×3 = 0.7")]
    assert "÷" not in "".join(level.words for level in one.values())


def test_the_page_folds_links_records_and_has_no_text_tree(w, login):
    url = reverse("scoring_explain", args=[w.run.pk, w.world.b1.pk])
    page = login(w.world.bob).get(url).content.decode()
    assert "├─" not in page and "└─" not in page and "<pre" not in page
    assert '<details class="explain-level depth-0" id="l1" open>' in page
    assert 'class="explain-level depth-3"' in page and 'depth-3" id="l1-1-1-1">' in page  # folded
    assert f'<a href="{reverse("verify_record", args=[w.r1.pk])}">时间任务</a>' in page
    assert "名次 第 2 名（共 2 个），倒数第 1 名" in page
    assert f"记录#{w.r1.pk}" not in page
    assert "?print=1" in page and "?pdf=1" in page


def test_a_tie_at_first_is_said_as_such(scheme_a_assessment, login):
    w = scheme_a_assessment
    for unit in (w.world.b1, w.world.b2):
        w.time_task(unit, "2026-01-15")     # both on time: 1 and 1, the same score
    run = do_run_scoring(w.world.bob, w.jan)
    page = login(w.world.bob).get(
        reverse("scoring_explain", args=[run.pk, w.world.b2.pk])).content.decode()
    assert "名次 并列第 1 名（2 个单位得分相同，共 2 个）" in page
    assert "倒数第" not in page


@pytest.mark.parametrize("line, ranks, said", [
    ("名次 第 1 名 / 8，倒数第 8 名", [1] * 8, "名次 并列第 1 名（8 个单位得分相同，共 8 个）"),
    ("名次 第 2 名 / 8，倒数第 7 名；类别内第 1 名", [1, 2, 2, 2, 5, 6, 7, 8],
     "名次 并列第 2 名（3 个单位得分相同，共 8 个）；类别内第 1 名"),
    ("名次 第 5 名 / 8，倒数第 4 名", [1, 2, 3, 4, 5, 6, 7, 8],
     "名次 第 5 名（共 8 个），倒数第 4 名"),
])
def test_runs_stored_earlier_say_ties_too(line, ranks, said):
    assert headline_words([line], ranks) == [said]


def test_print_view_opens_every_level(w, login):
    url = reverse("scoring_explain", args=[w.run.pk, w.world.b1.pk])
    page = login(w.world.bob).get(url + "?print=1").content.decode()
    assert "@page" in page and "size: A4" in page
    assert page.count("<details") == page.count("open>") and page.count("<details") > 5


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_pdf_has_the_words_and_numbers(w, login, tmp_path):
    url = reverse("scoring_explain", args=[w.run.pk, w.world.b1.pk])
    r = login(w.world.bob).get(url + "?pdf=1")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    (tmp_path / "e.pdf").write_bytes(r.content)
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "plain"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "explanation.pdf").write_bytes(r.content)   # to look at (pdftoppm)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "e.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for words in ("得分说明：一支部", "名次第2名（共2个），倒数第1名", "按所占比例得0.7",
                  "1−0.1×3=0.7"):
        assert words in flat, words


def test_published_explanation_links_record_history(w, login):
    from webhelpers import publish_confirmed

    publish_confirmed(w.world.bob, w.run)
    url = reverse("result_explain", args=[w.jan.pk, w.world.b1.pk]) + "?revision=1"
    page = login(w.world.carol).get(url).content.decode()
    assert f'<a href="{reverse("record_history", args=[w.r1.pk])}">时间任务</a>' in page
    assert "?revision=1&amp;print=1" in page or "?revision=1&print=1" in page
    assert login(w.world.carol).get(url + "&pdf=1")["Content-Type"] == "application/pdf"
    # 二支部's explanation is not 一支部's to read, in any form
    other = reverse("result_explain", args=[w.jan.pk, w.world.b2.pk]) + "?revision=1"
    for q in ("", "&print=1", "&pdf=1"):
        assert login(w.world.carol).get(other + q).status_code == 404
