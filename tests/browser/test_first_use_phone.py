"""What a new user meets first, on a 390 × 844 phone (issue 11, points 1, 4 and 8), on the
demo of ``load_demo`` (scheme A, monthly 2026, no records; 1月 scored and published through
the actions so the leader's dashboard has a ranking).

- the record form shows no template comment as text (point 1);
- the reporter's to-do is one card per period: the assessment name is not wrapped one
  character a line and 去填报 is on the screen; the leader's ranking is one card per unit and
  nothing scrolls sideways (point 4);
- each role's home page links its assessments, and the leader's to the dashboard (point 8).

Screenshots go to test-artifacts/first-use/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kaoping.web.actions.scoring import do_run_scoring
from webhelpers import publish_confirmed

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"页面宽 {width}px，超出手机屏幕"
    wide = page.evaluate("""() => [...document.querySelectorAll('.scroll')]
        .filter(d => d.scrollWidth > d.clientWidth + 1).length""")
    assert wide == 0, "有表格需要左右滑动"


def on_screen(page: Page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


@pytest.fixture
def published(demo):
    a = demo.assessment_a
    jan = a.periods.get(number=1)
    run = do_run_scoring(demo.users["assessor"], jan)
    assert run.ok, run.problems
    publish_confirmed(demo.users["assessor"], run)
    return demo


def test_reporter_todo_and_record_form_on_a_phone(demo, live_server, page, log_in, screenshot):
    page.set_viewport_size(PHONE)
    log_in(page, "reporter1", demo.password)
    todo = page.locator("table.reporter-todo")
    expect(todo).to_be_visible()
    first = todo.locator("tr").filter(has=page.locator("td")).first
    name = first.locator("td[data-label=考核]")
    expect(name).to_contain_text(demo.assessment_a.name)
    # one line or two, not one character a line: the name cell is wide and not tall
    box = name.bounding_box()
    assert box["width"] > 250 and box["height"] < 80, box
    go = first.get_by_role("link", name="去填报")
    on_screen(page, go)
    no_sideways_scroll(page)
    screenshot(page, "first-use/reporter-home-phone")

    go.click()
    page.locator(".kind-block").filter(has=page.locator("h3", has_text="时间任务")).first \
        .get_by_role("link", name="新增").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("新增「时间任务」")
    expect(page.locator("main")).not_to_contain_text("{#")
    expect(page.locator("main")).not_to_contain_text("required_title")
    no_sideways_scroll(page)
    screenshot(page, "first-use/record-form-phone")


def test_leader_home_links_and_ranking_on_a_phone(published, live_server, page, log_in,
                                                  screenshot):
    page.set_viewport_size(PHONE)
    log_in(page, "leader", published.password)
    a = published.assessment_a
    table = page.locator("table.home-assessments")
    expect(table.get_by_role("link", name=a.name)).to_be_visible()
    expect(page.get_by_role("link", name="进入领导看板")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "first-use/leader-home-phone")

    table.get_by_role("link", name=a.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("领导看板")
    ranking = page.locator("table.dashboard-ranking")
    expect(ranking).to_be_visible()
    rows = ranking.locator("tr").filter(has=page.locator("td"))
    expect(rows).to_have_count(8)
    on_screen(page, rows.first.locator("td[data-label=单位]"))
    no_sideways_scroll(page)
    screenshot(page, "first-use/leader-dashboard-phone")


@pytest.mark.parametrize("username, link_to", [("assessor", "/assessments/"),
                                               ("admin", "/assessments/")])
def test_staff_home_links_each_assessment(demo, live_server, page, log_in, screenshot,
                                          username, link_to):
    page.set_viewport_size(PHONE)
    log_in(page, username, demo.password)
    a = demo.assessment_a
    link = page.locator("table.home-assessments").get_by_role("link", name=a.name)
    expect(link).to_have_attribute("href", f"{link_to}{a.pk}/")
    row = page.locator("table.home-assessments tr").filter(has_text=a.name)
    expect(row.get_by_role("link", name="核查")).to_be_visible()
    expect(row.get_by_role("link", name="评分与公示")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"first-use/{username}-home-phone")
