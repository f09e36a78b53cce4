"""结果运用 on a 390 × 844 phone: the assessor reads the follow-up items of a published month
and closes one with a note. The items are made as publishing makes them (test_follow_ups.py
checks which flags make which); here one unit's flags are given. Screenshots in
test-artifacts/follow-ups/."""

from __future__ import annotations

from playwright.sync_api import expect

from kaoping.web.actions.scoring import do_run_scoring
from kaoping.web.models import FollowUp, Organisation, Problem
from webhelpers import publish_confirmed

PHONE = {"width": 390, "height": 844}


def test_follow_ups_read_and_closed_on_a_phone(demo, live_server, page, log_in, screenshot):
    a = demo.assessment_a
    jan = a.periods.get(number=1)
    pub = publish_confirmed(demo.users["assessor"], do_run_scoring(demo.users["assessor"], jan))
    unit = Organisation.objects.get(name="三支部")
    problem = Problem.objects.create(
        assessment=a, unit=unit, period=jan, source=Problem.Source.FLAG,
        source_note="纳入党建整改范围", description="连续两年年度绩效评价末位",
        measure="支部书记作出整改承诺", responsible="三支部负责人", deadline=jan.deadline,
        created_by=demo.users["assessor"])
    for flag, note, p in (("纳入党建整改范围", "连续两年年度绩效评价末位", problem),
                          ("不予上报先进基层党组织", "年度考评积分低于全体支部平均分", None)):
        FollowUp.objects.create(assessment=a, unit=unit, flag=flag, note=note, publication=pub,
                                problem=p)
    page.set_viewport_size(PHONE)
    log_in(page, "assessor", demo.password)
    page.goto(f"{live_server.url}/assessments/{a.pk}/follow-ups/")
    expect(page.locator("main")).to_contain_text("纳入党建整改范围")
    row = page.locator("tr").filter(has_text="不予上报先进基层党组织")
    row.get_by_role("button", name="办结").click()   # no note: refused, named
    expect(page.locator("main")).to_contain_text("请填写办理情况")
    row = page.locator("tr").filter(has_text="不予上报先进基层党组织")
    row.get_by_label("办理情况").fill("年度评先名单未报三支部")
    row.get_by_role("button", name="办结").click()
    expect(page.locator("main")).to_contain_text("已办结：年度评先名单未报三支部")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "follow-ups/01-list")
