"""Scoring in the background, on a phone (390 × 844): the assessor of the demo's scheme A
assessment asks for a scoring; with the database task backend the run waits for a worker,
and the page shows a progress bar that polls (htmx) until the worker has scored — then the
page reloads by itself and shows the ranking. A long ranking (120 units) is shown 50 a
page with 上一页 / 下一页, and neither page is wider than the phone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import Page, expect

from helpers import stored_run
from kaoping.web.models import Assessment, ScoringRun

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], f"页面宽 {width}px，超出手机屏幕"


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, **PHONE})
    yield context.new_page()
    context.close()


def test_the_progress_bar_then_the_ranking(demo, phone, log_in, live_server, screenshot):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        page = log_in(phone, "assessor", demo.password)
        a = Assessment.objects.get(scheme_id="A")
        page.goto(f"{live_server.url}/assessments/{a.pk}/scoring/")
        page.get_by_label("考核期").select_option(label="1月")
        page.get_by_role("button", name="评分", exact=True).click()
        expect(page.get_by_text("1月 已开始在后台评分")).to_be_visible()
        expect(page.locator("progress")).to_be_visible()
        expect(page.get_by_role("heading", name="排队中")).to_be_visible()
        fits_the_phone(page)
        screenshot(page, "scoring-phone-progress")
        assert ScoringRun.objects.get().state == ScoringRun.State.QUEUED

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        # the next poll finds the run done and the page reloads with the ranking
        expect(page.locator("table.ranking")).to_be_visible(timeout=10_000)
        expect(page.locator("progress")).to_have_count(0)
        expect(page.locator("table.ranking").get_by_text("一支部", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="公示1月结果")).to_be_visible()
        fits_the_phone(page)
        screenshot(page, "scoring-phone-done")


def test_a_long_ranking_a_page_at_a_time(demo, phone, log_in, live_server, screenshot):
    a = Assessment.objects.get(scheme_id="A")
    units = [{"unit": f"第{k}党支部", "score": 100.0 - k / 2, "rank": k, "flags": [],
              "components": {}} for k in range(1, 121)]
    run = stored_run(a, a.periods.get(number=1), a.created_by, {"rounding": 2, "units": units})
    page = log_in(phone, "assessor", demo.password)
    page.goto(f"{live_server.url}/scoring/{run.pk}/")
    expect(page.get_by_text("第 1 / 3 页（共 120 个单位）")).to_be_visible()
    expect(page.locator("table.ranking").get_by_text("第50党支部", exact=True)).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "scoring-phone-page-1")
    page.get_by_role("link", name="下一页").click()
    expect(page.get_by_text("第 2 / 3 页（共 120 个单位）")).to_be_visible()
    expect(page.locator("table.ranking").get_by_text("第51党支部", exact=True)).to_be_visible()
    expect(page.locator("table.ranking").get_by_text("第50党支部", exact=True)).to_have_count(0)
    page.get_by_role("link", name="上一页").click()
    expect(page.get_by_text("第 1 / 3 页（共 120 个单位）")).to_be_visible()
