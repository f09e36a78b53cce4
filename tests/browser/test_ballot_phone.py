"""A meeting votes on phones: scheme A's first-quarter 民主测评 by ballot, through the real
/vote/ pages in Chromium with a phone-sized viewport (390 × 844, touch).

Set-up through the actions (as the 考核管理员's pages would): 机关党委 with ten branches
支部1 … 支部10; an assessment on scheme A (yearly cycle) over 支部1–3 with a ballot on the
first quarter's 民主测评 (好/较好/一般/差 = 100/80/60/40, 30 codes, written ÷ 100 into
得分, 0–1), and an assessment on scheme G over all ten with a ballot on 日常管理评定
(好/较好/一般, quota 3:5:2, one code).

Thirty raters, each in a fresh browser context (no cookies), type their code on /vote/ and
fill the sheet. Their choices, and the figures worked by hand:

    支部1: 18 好 + 9 较好 + 3 一般          → (18×100 + 9×80 + 3×60) ÷ 30 = 2700 ÷ 30 = 90 → 0.90
    支部2: 12 好 + 12 较好 + 6 一般         → (1200 + 960 + 360) ÷ 30    = 2520 ÷ 30 = 84 → 0.84
    支部3: 6 好 + 12 较好 + 9 一般 + 3 差   → (600 + 960 + 540 + 120) ÷ 30 = 2220 ÷ 30 = 74 → 0.74

The first rater then types the same code again and gets the “已使用” page. A rater of the G
ballot marks 5 of 10 units 好 and 4 较好: with 10 units 好 may be chosen at most
⌊0.3 × 10 + ½⌋ = 3 times and 好 + 较好 at most ⌊0.8 × 10 + ½⌋ = 8, so the page says so
before submission, and the server refuses the same sheet posted past the page's script;
the rater changes to 3 : 5 : 2 and the vote counts. Finally the assessor logs in and
closes the A ballot: three 民主测评 records, 0.90 / 0.84 / 0.74, which the engine reads as
the quarter's democratic score.

Screenshots go to test-artifacts/ballots/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kaoping.web.actions.assessments import do_create_assessment
from kaoping.web.actions.ballots import CategorySpec, do_create_ballot
from kaoping.web.actions.orgs import do_create_organisation
from kaoping.web.actions.people import do_create_user
from kaoping.web.models import Ballot, BallotSheet, BallotToken, Record, Role

PASSWORD = "Ballot-phone-2026"
ROOT = Path(__file__).resolve().parents[2]
SCHEMES = ROOT / "schemes"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
GRADES = ["好", "较好", "一般", "差"]
# each unit's choices by rater (30 raters); see the module docstring for the arithmetic
SHEETS = {
    "支部1": ["好"] * 18 + ["较好"] * 9 + ["一般"] * 3,
    "支部2": ["好"] * 12 + ["较好"] * 12 + ["一般"] * 6,
    "支部3": ["好"] * 6 + ["较好"] * 12 + ["一般"] * 9 + ["差"] * 3,
}
EXPECTED = {"支部1": 0.90, "支部2": 0.84, "支部3": 0.74}


@pytest.fixture
def meeting(transactional_db):
    county = do_create_organisation(None, name="县委")
    organ = do_create_organisation(None, name="机关党委", parent=county)
    branches = [do_create_organisation(None, name=f"支部{k}", parent=organ) for k in range(1, 11)]
    kaohe = do_create_user(None, username="kaohe", password=PASSWORD, full_name="机关党委考核员",
                           organisation=organ, role=Role.ASSESSOR)
    now = timezone.now()
    window = {"opens_at": now - timedelta(minutes=5), "closes_at": now + timedelta(hours=2)}

    def assessment(stem, units):
        return do_create_assessment(
            kaohe, organisation=organ, name=f"{stem} 考评", scheme_file=f"{stem}.yaml",
            scheme_source=(SCHEMES / f"{stem}.yaml").read_text("utf-8"),
            year=timezone.localdate().year, cycle="year", units=[(u, "") for u in units],
            verifiers=[kaohe])

    a = assessment("a-linyi-branches", branches[:3])
    democratic = do_create_ballot(
        kaohe, a, title="第一季度民主测评", kind="民主测评", period=a.periods.get(),
        scheme_period=1, form="choices", choices=[[g, p] for g, p in zip(GRADES, (100, 80, 60, 40),
                                                                         strict=True)],
        categories=[CategorySpec("党员", 100, tokens=30)], write="value", value_field="得分",
        scale=0.01, **window)
    g = assessment("g-xiangxi-secretaries", branches)
    daily = do_create_ballot(
        kaohe, g, title="日常管理评定", kind="日常管理评定", period=g.periods.get(),
        form="choices", choices=[["好", 100], ["较好", 90], ["一般", 80]],
        categories=[CategorySpec("牵头单位", 100, tokens=1)], write="plurality",
        choice_field="等次", **window)
    return a, democratic, daily


def codes(ballot: Ballot) -> list[str]:
    return list(BallotToken.objects.filter(category__ballot=ballot).order_by("id")
                .values_list("code", flat=True))


def enter(page: Page, base: str, code: str) -> None:
    """On /vote/, type the code (as read off the slip: lower case, with a space) and go."""
    page.goto(f"{base}/vote/")
    page.get_by_label("投票码").fill(f"{code[:4].lower()} {code[4:]}")
    page.get_by_role("button", name="进入").click()


def choose(page: Page, unit: str, grade: str) -> None:
    fieldset = page.locator("fieldset").filter(
        has=page.locator("legend").get_by_text(unit, exact=True))
    fieldset.get_by_label(grade, exact=True).check()


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], f"页面宽 {width}px，超出手机屏幕"


def test_thirty_raters_vote_on_phones(meeting, live_server, browser, browser_context_args,
                                      screenshot, log_in):
    a, democratic, daily = meeting
    base = live_server.url
    shots = lambda page, name: screenshot(page, f"ballots/{name}")  # noqa: E731
    (ROOT / "test-artifacts" / "ballots").mkdir(parents=True, exist_ok=True)
    phone = {**browser_context_args, **PHONE}

    # ------------------------------------------------------ 30 raters, one phone each
    slips = codes(democratic)
    assert len(slips) == 30
    for k, code in enumerate(slips):
        context = browser.new_context(**phone)
        page = context.new_page()
        enter(page, base, code)
        expect(page.get_by_role("heading", level=1)).to_have_text("第一季度民主测评")
        assert page.url.endswith(f"/vote/{code}/")
        for unit, column in SHEETS.items():
            choose(page, unit, column[k])
        if k == 0:
            fits_the_phone(page)
            shots(page, "1-sheet")
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("投票成功")
        if k == 0:
            shots(page, "2-done")
            # ---------------------------------------------- the same code a second time
            enter(page, base, code)
            expect(page.get_by_role("heading", level=1)).to_have_text("无法投票")
            expect(page.locator("main")).to_contain_text("该投票码已使用")
            fits_the_phone(page)
            shots(page, "3-code-used")
        context.close()
    assert BallotSheet.objects.filter(ballot=democratic).count() == 30
    assert not BallotToken.objects.filter(category__ballot=democratic, used=False).exists()

    # ------------------------------------------------------ a sheet over G's 3:5:2 quota
    context = browser.new_context(**phone)
    page = context.new_page()
    (code,) = codes(daily)
    enter(page, base, code)
    expect(page.locator("main")).to_contain_text("好 最多 3 个")
    greedy = ["好"] * 5 + ["较好"] * 4 + ["一般"]
    for k, grade in enumerate(greedy, 1):
        choose(page, f"支部{k}", grade)
    # before submission, from the page's script: 5 > 3 and 5 + 4 = 9 > 8
    message = page.locator("#message")
    expect(message).to_have_text("好 已选 5 个，最多 3 个；好+较好 已选 9 个，最多 8 个")
    page.get_by_role("button", name="提交").click()  # held back by the script
    expect(page).to_have_url(re.compile(f"/vote/{code}/$"))
    fits_the_phone(page)
    shots(page, "4-quota-page")
    # past the script (form.submit() fires no submit event): the server refuses the same
    page.locator("#sheet").evaluate("form => form.submit()")
    expect(page.locator("#message")).to_contain_text("好 已选 5 个，最多 3 个")
    expect(page.locator("#message")).to_contain_text("好+较好 已选 9 个，最多 8 个")
    assert not BallotSheet.objects.filter(ballot=daily).exists()
    assert not BallotToken.objects.get(code=code).used
    shots(page, "5-quota-server")
    # within the quota: 3 好, 5 较好, 2 一般
    for k, grade in enumerate(["好"] * 3 + ["较好"] * 5 + ["一般"] * 2, 1):
        choose(page, f"支部{k}", grade)
    expect(message).to_be_hidden()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投票成功")
    assert BallotSheet.objects.filter(ballot=daily).count() == 1
    context.close()

    # ------------------------------------------------------ the assessor closes the ballot
    context = browser.new_context(**browser_context_args)
    page = log_in(context.new_page(), "kaohe", PASSWORD)
    page.goto(f"{base}/ballots/{democratic.pk}/")
    turnout = page.locator("table").first.locator("tr").filter(has_text="党员")
    expect(turnout).to_contain_text("30 / 30")
    expect(turnout).to_contain_text("100%")
    results = page.locator("table").nth(1)
    for unit, score in EXPECTED.items():
        row = results.locator("tr").filter(has=page.locator("td").get_by_text(unit, exact=True))
        # 票数, 平均, distribution, 加权得分
        expect(row).to_contain_text(f"{score * 100:.2f}")
        counts = [SHEETS[unit].count(g) for g in GRADES]
        expect(row).to_contain_text(" / ".join(map(str, counts)))
    page.get_by_role("button", name="结束测评并写入结果").click()
    expect(page.locator("main ul.messages")).to_contain_text("已写入 3 条「民主测评」记录")
    shots(page, "6-closed")
    context.close()

    records = Record.objects.filter(assessment=a, kind="民主测评").select_related("unit")
    assert {r.unit.name: r.data["得分"] for r in records} == EXPECTED
    assert {(r.scheme_period, r.status) for r in records} == {(1, Record.Status.ACCEPTED)}
    from kaoping.web.services import scoring

    outcome = scoring.score(a, a.periods.get())
    assert outcome.ok, outcome.problems
    democratic_score = outcome.result.measure("democratic")
    for unit, score in EXPECTED.items():
        i = outcome.result.index_of(unit)
        assert float(democratic_score[i].sum()) == pytest.approx(score)
