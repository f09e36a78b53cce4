"""整改台账 on a 390 × 844 phone, on the demo: the assessor registers a problem of 一支部, the
reporter reports, the assessor sends it back with a reason, the reporter reports again and
the assessor closes it (绿). Screenshots in test-artifacts/ledger/."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"页面宽 {width}px，超出手机屏幕"


def open_problem(page, log_in, name, password, ledger):
    """``name`` signs in (whoever was signed in leaves) and opens the ledger's problem."""
    page.context.clear_cookies()
    log_in(page, name, password)
    page.goto(ledger)
    page.get_by_role("link", name="详情").click()


def test_a_problem_from_registration_to_closure_on_a_phone(demo, live_server, page, log_in,
                                                          screenshot):
    a = demo.assessment_a
    ledger = f"{live_server.url}/assessments/{a.pk}/ledger/"
    page.set_viewport_size(PHONE)
    page.context.clear_cookies()
    log_in(page, "assessor", demo.password)
    page.goto(ledger)
    page.get_by_role("link", name="登记问题").click()
    page.get_by_role("button", name="登记").click()  # empty: every missing field named
    expect(page.locator("main")).to_contain_text("请填写问题描述")
    page.get_by_label("单位").select_option(label="一支部")
    page.get_by_label("问题来源").select_option(label="督查检查")
    page.get_by_label("来源说明（如扣分条款、结果运用提示、检查名称）").fill("3月专项督查")
    page.get_by_label("问题描述").fill("“三会一课”记录不全")
    page.get_by_label("整改要求").fill("补齐记录，建立会议台账")
    page.get_by_label("责任人").fill("一支部书记")
    deadline = timezone.localdate() + timedelta(days=10)
    page.get_by_label("整改时限").fill(deadline.isoformat())
    fits(page)
    screenshot(page, "ledger/01-new")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("main")).to_contain_text("整改中，还剩 10 天")

    open_problem(page, log_in, "reporter1", demo.password, ledger)
    page.get_by_label("整改情况").fill("已补齐 1—3 月记录")
    page.get_by_role("button", name="报送").click()
    expect(page.locator("main")).to_contain_text("已报整改情况，待审核")

    open_problem(page, log_in, "assessor", demo.password, ledger)
    page.get_by_label("未通过，退回整改").check()
    page.get_by_label("审核意见（退回时必填，单位可见）").fill("缺少会议台账")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("main")).to_contain_text("审核未通过，退回整改")

    open_problem(page, log_in, "reporter1", demo.password, ledger)
    page.get_by_label("整改情况").fill("已建立会议台账")
    page.get_by_role("button", name="报送").click()
    fits(page)
    screenshot(page, "ledger/02-reported-again")

    open_problem(page, log_in, "assessor", demo.password, ledger)
    page.get_by_label("通过，销号").check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("main")).to_contain_text("已销号")
    page.goto(ledger)
    expect(page.locator("td.light-green")).to_contain_text("已销号")
    fits(page)
    screenshot(page, "ledger/03-closed")
