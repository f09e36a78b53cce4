"""申诉 on a 390 × 844 phone, on the demo (scheme A, 1月 published): 一支部's reporter appeals
from the published results with a reason; the assessor answers from the 申诉 queue; the
reporter reads the answer beside the unit's result. Screenshots in test-artifacts/appeals/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kaoping.web.actions.scoring import do_run_scoring
from webhelpers import publish_confirmed

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published(demo):
    jan = demo.assessment_a.periods.get(number=1)
    run = do_run_scoring(demo.users["assessor"], jan)
    assert run.ok, run.problems
    publish_confirmed(demo.users["assessor"], run)
    demo.jan = jan
    return demo


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"页面宽 {width}px，超出手机屏幕"


def test_appeal_filed_answered_and_read_on_a_phone(published, live_server, page, log_in,
                                                   screenshot):
    demo = published
    page.set_viewport_size(PHONE)
    log_in(page, "reporter1", demo.password)
    page.goto(f"{live_server.url}/periods/{demo.jan.pk}/results/")
    page.get_by_role("link", name="提出申诉").click()
    expect(page.get_by_role("heading", name="提出申诉")).to_be_visible()
    page.get_by_role("button", name="提交申诉").click()  # nothing written: refused in Chinese
    expect(page.locator("main")).to_contain_text("请填写申诉事项")
    page.get_by_label("申诉事项", exact=True).fill("1月“三会一课”记录已按时上报，得分为 0 有误")
    fits(page)
    screenshot(page, "appeals/01-file")
    page.get_by_role("button", name="提交申诉").click()
    expect(page.locator("main")).to_contain_text("待答复")
    fits(page)
    screenshot(page, "appeals/02-filed")

    page.context.clear_cookies()
    log_in(page, "assessor", demo.password)
    page.locator("header nav").get_by_role("link", name="申诉", exact=True).click()
    expect(page.locator("main")).to_contain_text("一支部")
    fits(page)
    screenshot(page, "appeals/03-queue")
    page.get_by_role("link", name="详情").first.click()
    page.get_by_label("维持原结果").check()
    page.get_by_label("调查答复（单位可见）").fill("经核实，1月记录上报于 2 月 3 日，已逾期，维持原结果")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator("main")).to_contain_text("已答复，维持原结果")

    page.context.clear_cookies()
    log_in(page, "reporter1", demo.password)
    page.goto(f"{live_server.url}/periods/{demo.jan.pk}/results/")
    expect(page.locator("main")).to_contain_text("申诉及答复（1 件）")
    expect(page.locator("main")).to_contain_text("经核实，1月记录上报于 2 月 3 日")
    fits(page)
    screenshot(page, "appeals/04-answer-beside-result")
