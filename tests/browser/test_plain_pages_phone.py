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
