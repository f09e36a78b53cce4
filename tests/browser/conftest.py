"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's
live_server.

- The browser is ``/usr/bin/chromium`` (``apt-get install chromium``, which ``make test``
  does), never a download: ``playwright install`` is not used. A missing browser fails
  the tests; it does not skip them.
- Playwright's sync API runs an event loop in the test thread, so Django's ORM calls in
  the test need ``DJANGO_ALLOW_ASYNC_UNSAFE``.
- ``live_server`` serves the app from a thread of this process; tests that use it get a
  transactional database (flushed after each test), on SQLite or PostgreSQL alike.
- ``screenshot(page, name)`` saves ``test-artifacts/<name>.png`` (ignored by git).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("KAOPING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"找不到 Chromium（{CHROMIUM}）：apt-get install -y chromium，"
                    "或用 KAOPING_CHROMIUM 指定可执行文件", pytrace=False)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    """The demo of ``manage.py load_demo``: its trees, accounts and the assessments on schemes
    A and G, without the three months of records (``build_demo(records=True)`` adds them,
    in about ten seconds)."""
    from kaoping.web.management.commands.load_demo import DEMO_PASSWORD, build_demo

    data = build_demo(records=False)
    data.password = DEMO_PASSWORD
    return data


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(live_server):
    """Log in through the real login page; returns the page on the page the login lands."""

    def as_(page, username: str, password: str):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return page

    return as_
