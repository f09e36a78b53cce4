"""Pages issue 11 made plain, on a 390 × 844 phone, on the demo of ``load_demo`` (scheme A,
monthly 2026): each in Chinese, without internal ids or terms, nothing scrolling sideways.

Screenshots go to test-artifacts/plain/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
INTERNAL = re.compile(r"写入方式|得分字段|折算系数|类别字段|等次字段|票数字段|#\d|---------")


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"页面宽 {width}px，超出手机屏幕"


def plain(page: Page) -> None:
    text = page.locator("main").inner_text()
    assert not INTERNAL.search(text), INTERNAL.search(text)[0]


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_ballot_set_up_form(demo, live_server, phone, log_in, screenshot):
    page = phone
    a = demo.assessment_a
    log_in(page, "assessor", demo.password)
    page.goto(f"{live_server.url}/assessments/{a.pk}/ballots/new/?kind=民主测评")
    expect(page.get_by_label("结果怎样记入考核")).to_be_visible()
    expect(page.get_by_label("平均分记入哪一项")).to_have_value("得分")
    expect(page.get_by_label("换算倍数")).to_have_value("0.01")
    page.get_by_label("测评的是哪一期").fill("第1季度")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/ballot-setup-phone")


def test_404_page_has_a_way_back(demo, live_server, phone, log_in, screenshot):
    page = phone
    log_in(page, "reporter1", demo.password)
    r = page.goto(f"{live_server.url}/records/999999/history/")
    assert r.status == 404
    expect(page.locator("h1")).to_have_text("找不到这个页面")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/404-phone")
    page.get_by_role("link", name="返回首页").click()
    expect(page.locator("h1")).to_have_text("首页")


def test_new_assessment_form_follows_the_scheme(demo, live_server, phone, log_in, screenshot):
    page = phone
    log_in(page, "assessor", demo.password)
    page.goto(f"{live_server.url}/assessments/new/")
    expect(page.get_by_label("填报周期")).to_have_value("month")
    b = page.locator("#id_scheme option", has_text="B ·").get_attribute("value")
    page.get_by_label("考核方案").select_option(b)
    # B's records are all yearly: the cycle follows, with one yearly deadline
    expect(page.get_by_label("填报周期")).to_have_value("year")
    expect(page.locator("table.periods input[type=date]")).to_have_count(1)
    page.get_by_label("填报周期").select_option("month")
    expect(page.locator("#setup-form")).to_contain_text("填报周期不能是月")
    page.get_by_label("填报周期").select_option("year")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/assessment-new-phone")


def test_unit_history_on_a_phone(transactional_db, live_server, phone, log_in, screenshot):
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo

    data = build_demo(records=True)
    page = phone
    log_in(page, "reporter1", DEMO_PASSWORD)
    unit = data.assessment_a.units.get(organisation__name="一支部").organisation
    page.goto(f"{live_server.url}/units/{unit.pk}/history/")
    expect(page.locator("table.history")).to_be_visible()
    screenshot(page, "plain/unit-history-phone")
    plain(page)
    no_sideways_scroll(page)


def test_no_publish_when_nobody_scored(transactional_db, live_server, phone, log_in, screenshot):
    from kaoping.web.actions.scoring import do_run_scoring
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo

    data = build_demo(records=True)
    run = do_run_scoring(data.users["assessor-g"], data.assessment_g.periods.get(number=3))
    page = phone
    log_in(page, "assessor-g", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/scoring/{run.pk}/")
    expect(page.locator(".refusal")).to_contain_text("全部 13 个单位都因数据不全未计分")
    expect(page.get_by_role("button", name="公示")).to_have_count(0)
    plain(page)
    screenshot(page, "plain/run-nobody-scored-phone")


def test_explanation_reads_on_a_phone(transactional_db, live_server, phone, log_in,
                                      screenshot):
    from kaoping.web.actions.scoring import do_run_scoring
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo

    data = build_demo(records=True)
    a = data.assessment_a
    run = do_run_scoring(data.users["assessor"], a.periods.get(number=2))
    unit = a.units.get(organisation__name="二支部").organisation
    page = phone
    log_in(page, "assessor", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/scoring/{run.pk}/units/{unit.pk}/")
    expect(page.get_by_role("heading", name="得分说明：二支部")).to_be_visible()
    expect(page.locator(".explain-headline")).to_contain_text("名次")
    main = page.locator("main")
    expect(main).not_to_contain_text("├─")
    expect(main).not_to_contain_text("÷ 同一上级组织内最高")
    # the third level is folded; a link in the table above opens it
    third = page.locator("details.explain-level.depth-2").first
    expect(third).not_to_have_attribute("open", "")
    page.locator("details.explain-level.depth-1 table.explain-parts a").first.click()
    expect(third).to_have_attribute("open", "")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/explanation-phone")
    page.get_by_role("button", name="全部展开").click()
    no_sideways_scroll(page)
    record = page.locator("table.explain-records a").first
    expect(record).to_be_visible()
    screenshot(page, "plain/explanation-phone-open")
    record.click()
    expect(page).to_have_url(re.compile(r"/verification/records/\d+/|/records/\d+/"))
    page.go_back()
    page.get_by_role("link", name="打印版（A4）").click()
    expect(page.locator("details.explain-level").first).to_have_attribute("open", "")
    screenshot(page, "plain/explanation-print-phone")


def test_batch_verification_and_next_on_a_phone(transactional_db, live_server, phone, log_in,
                                                screenshot):
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo
    from kaoping.web.models import Record

    data = build_demo(records=True)
    a = data.assessment_a
    waiting = Record.objects.filter(assessment=a, status=Record.Status.SUBMITTED)
    before = waiting.count()
    page = phone
    log_in(page, "assessor", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessments/{a.pk}/verification/")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/verification-queue-phone")
    # three records chosen by hand and accepted at once
    boxes = page.locator('input[name="records"]')
    for k in range(3):
        boxes.nth(k).check()
    expect(page.locator("#chosen-count")).to_have_text("3")
    page.get_by_role("button", name="选中的记录核查通过").click()
    expect(page.locator(".messages")).to_contain_text("3 条记录已核查通过")
    assert waiting.count() == before - 3
    # one record: accept, and the next one of the queue opens
    page.locator("table.queue").get_by_role("link", name="核查").first.click()
    first = page.url
    expect(page.get_by_role("link", name="下一条 →")).to_be_visible()
    # the adjust form shows the input of the chosen field only, typed
    page.get_by_label("要调整的项").select_option("完成日期")
    expect(page.locator('.value-input[data-field="完成日期"] input[type=date]')).to_be_visible()
    expect(page.locator('.value-input[data-field="业务名称"]')).to_be_hidden()
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/verification-record-phone")
    page.get_by_role("button", name="核查通过，下一条").click()
    expect(page.locator(".messages")).to_contain_text("已核查通过")
    assert page.url != first and "/verification/records/" in page.url
    assert waiting.count() == before - 4
    # select all on the page accepts the rest of the page
    page.goto(f"{live_server.url}/assessments/{a.pk}/verification/")
    page.get_by_label("全选本页待核查的记录").check()
    page.get_by_role("button", name="选中的记录核查通过").click()
    expect(page.locator(".messages")).to_contain_text("条记录已核查通过")
    screenshot(page, "plain/verification-after-batch-phone")


def test_search_on_a_phone(transactional_db, live_server, phone, log_in, screenshot):
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo

    data = build_demo(records=True)
    a = data.assessment_a
    page = phone
    log_in(page, "assessor", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    page.get_by_role("link", name="查找").click()
    page.get_by_label("名称或内容").fill("档案")
    page.get_by_label("考核期").select_option(label="3月")
    page.get_by_role("button", name="查找").click()
    results = page.locator("table.search-results")
    expect(results).to_contain_text("档案")
    expect(results).not_to_contain_text("1月")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/search-phone")
    # a reporter: only their own branch
    page.context.clear_cookies()
    log_in(page, "reporter1", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessments/{a.pk}/search/?q=支部")
    expect(page.locator("main")).to_contain_text("在本单位的记录中查找")
    expect(page.locator("table.search-results")).not_to_contain_text("二支部")
    screenshot(page, "plain/search-reporter-phone")


def test_assessment_settings_on_a_phone(demo, live_server, phone, log_in, screenshot):
    g = demo.assessment_g
    page = phone
    log_in(page, "assessor-g", demo.password)
    page.goto(f"{live_server.url}/assessments/{g.pk}/")
    page.get_by_role("link", name="考核参数").click()
    field = page.get_by_label("等次「好」的最低分")
    expect(field).to_have_value("90")
    plain(page)
    no_sideways_scroll(page)
    screenshot(page, "plain/settings-phone")
    field.fill("50")                         # below 较好 80: the engine refuses
    page.get_by_role("button", name="保存参数").click()
    expect(page.locator(".scheme-problems")).to_contain_text("等次分数线须从高到低排列")
    page.get_by_label("等次「好」的最低分").fill("92")
    page.get_by_role("button", name="保存参数").click()
    expect(page.locator(".messages")).to_contain_text("考核参数已保存")


def test_the_same_pages_on_a_desktop(transactional_db, live_server, page, log_in, screenshot):
    """1366 × 768: the explanation, the queue, 查找 and 考核参数 as an assessor sees them."""
    from kaoping.web.actions.scoring import do_run_scoring
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo

    data = build_demo(records=True)
    a = data.assessment_a
    run = do_run_scoring(data.users["assessor"], a.periods.get(number=2))
    unit = a.units.get(organisation__name="二支部").organisation
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "assessor", DEMO_PASSWORD)
    for name, url in (("explanation", f"/scoring/{run.pk}/units/{unit.pk}/"),
                      ("verification-queue", f"/assessments/{a.pk}/verification/"),
                      ("search", f"/assessments/{a.pk}/search/?q=档案"),
                      ("settings", f"/assessments/{a.pk}/settings/"),
                      ("ballot-setup", f"/assessments/{a.pk}/ballots/new/?kind=民主测评")):
        page.goto(live_server.url + url)
        expect(page.locator("h1")).to_be_visible()
        plain(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, (name, width)
        screenshot(page, f"plain/{name}-desktop")
