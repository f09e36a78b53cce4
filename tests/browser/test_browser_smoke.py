"""Smoke test: a demo user logs in through the real login page in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_demo_reporter_logs_in_and_sees_home(demo, live_server, page, log_in, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))  # anonymous: sent to the login page
    screenshot(page, "smoke-login")

    log_in(page, "reporter1", demo.password)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("一支部填报员").first).to_be_visible()  # the user's full name
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    assert screenshot(page, "smoke-home").stat().st_size > 0


def test_wrong_password_stays_on_login(demo, live_server, page, log_in):
    log_in(page, "reporter1", "not-the-password")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()
