"""The ballot set-up form in Chromium: scheme F's 年末评议 comes prefilled with the three voted
groups (党建监督员 40, 党员干部 5, 服务对象 5 → sum 50; 考核组 50 comes from its own records).
The assessor adds a row through htmx ("添加一行") for the team, which the live sum shows as
100 and the server refuses beside that row (HTTP 400, nothing saved); removes it, switches
the write mode away and back (each group keeps its field), adds the codes and saves.

Screenshots go to test-artifacts/ballots/.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from kaoping.web.actions.assessments import do_create_assessment
from kaoping.web.actions.orgs import do_create_organisation
from kaoping.web.actions.people import do_create_user
from kaoping.web.models import Ballot, BallotToken, Role

PASSWORD = "Ballot-form-2026"
ROOT = Path(__file__).resolve().parents[2]


def test_set_up_scheme_f_year_end_ballot(transactional_db, live_server, page, screenshot,
                                         log_in):
    county = do_create_organisation(None, name="县委")
    organ = do_create_organisation(None, name="机关党委", parent=county)
    branches = [do_create_organisation(None, name=f"支部{k}", parent=organ) for k in (1, 2)]
    kaohe = do_create_user(None, username="kaohe", password=PASSWORD, full_name="机关党委考核员",
                           organisation=organ, role=Role.ASSESSOR)
    a = do_create_assessment(
        kaohe, organisation=organ, name="林西考评", scheme_file="f-linxi-three-level.yaml",
        scheme_source=(ROOT / "schemes" / "f-linxi-three-level.yaml").read_text("utf-8"),
        year=timezone.localdate().year, cycle="year", units=[(u, "") for u in branches],
        verifiers=[kaohe])
    (ROOT / "test-artifacts" / "ballots").mkdir(parents=True, exist_ok=True)
    base = live_server.url
    log_in(page, "kaohe", PASSWORD)

    page.goto(f"{base}/assessments/{a.pk}/ballots/new/?kind=年末评议")
    rows = page.locator("#category-rows tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#weight-sum")).to_have_text("50")
    expect(page.locator("main")).to_contain_text("考核组评分 50（由其自己的记录计算，不经测评）")
    expect(rows.nth(0).get_by_label("写入")).to_have_value("党建监督员评分")

    # a fourth row by hand for the team: the live sum says 100, the server refuses the row
    page.locator("fieldset").filter(has_text="测评人类别").get_by_role(
        "button", name="添加一行").click()
    expect(rows).to_have_count(4)
    team = rows.nth(3)
    team.get_by_label("类别名称").fill("考核组")
    team.get_by_label("权重").fill("50")
    expect(page.locator("#weight-sum")).to_have_text("100")
    page.get_by_role("button", name="保存并发放投票码").click()
    team = page.locator("#category-rows tr").nth(3)
    expect(team.locator(".row-error")).to_contain_text("请选择结果写入的字段")
    expect(page.locator("#category-rows .row-error")).to_have_count(1)
    assert not Ballot.objects.exists()
    screenshot(page, "ballots/7-setup-row-refused")

    # remove the row, give each group its codes, save
    team.get_by_role("button", name="删除").click()
    expect(page.locator("#category-rows tr")).to_have_count(3)
    expect(page.locator("#weight-sum")).to_have_text("50")
    for k, n in enumerate(("20", "30", "30")):
        page.locator("#category-rows tr").nth(k).get_by_label("投票码数").fill(n)
    # switching the write mode away and back keeps each group's field
    page.get_by_label("结果怎样记入考核").select_option("value")
    expect(page.locator("#category-rows")).to_contain_text("各类别合并计入")
    page.get_by_label("结果怎样记入考核").select_option("fields")
    expect(page.locator("#category-rows tr").nth(2).get_by_label("写入")).to_have_value(
        "服务对象评分")
    expect(page.locator("#category-rows tr").nth(1).get_by_label("投票码数")).to_have_value("30")
    page.get_by_label("开始时间").fill(
        timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="保存并发放投票码").click()
    expect(page.locator("main ul.messages")).to_contain_text("测评已设置")
    screenshot(page, "ballots/8-setup-saved")
    b = Ballot.objects.get()
    assert [(c.name, c.weight) for c in b.categories.all()] == [
        ("党建监督员", 40), ("党员干部", 5), ("服务对象", 5)]
    assert BallotToken.objects.filter(category__ballot=b).count() == 80
    assert b.field_map == {"党建监督员": "党建监督员评分", "党员干部": "党员干部评分",
                           "服务对象": "服务对象评分"}
