"""The whole life of one assessment on scheme A, driven through the real pages in Chromium.

Only the organisation tree and the accounts are made beforehand (through the actions, as
the 系统管理员's pages would); every step after that is a person clicking and typing:

    县委
    └── 机关党委        kaohe: 考核管理员 (sets up, scores, publishes, corrects)
        │               hecha: 考核管理员, named 核查人员 (verifies)
        ├── 一支部      yizhi: 填报员 (submits 1月 after its deadline)
        ├── 二支部      erzhi: 填报员 (attaches evidence; returned once)
        └── 三支部      (no reporter, no records)

Deadlines are set relative to today: 1月 closed two days ago, 2月 closes in ten days, the
other months later. The records are 时间任务 on item 3 (记录规范及档案整理情况), one
point when done by the task's own deadline and 0.1 less per day late:

    一支部 1月  due 01-15, done 01-18 → 1 − 0.1×3 = 0.7; alone that month → 0.7 ÷ 0.7 = 1
    一支部 2月  due 02-15, done 02-18 → 0.7;  二支部 2月 done 02-15 → 1 (after its return;
               first reported 02-16 → 0.9) → 一支部 0.7 ÷ best 1 = 0.70, 二支部 1 ÷ 1 = 1
    截至2月:   一支部 1 + 0.7 = 1.70 (第 1 名), 二支部 1.00 (第 2 名), 三支部 0.00 (第 3 名)

After publication the assessor corrects 一支部's 2月 完成日期 to 02-15 (1 ÷ 1 = 1), so
revision 2 has 一支部 1 + 1 = 2.00 while revision 1 keeps 1.70.

Screenshots of the key pages go to test-artifacts/journey/.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kaoping.web.actions.orgs import do_create_organisation
from kaoping.web.actions.people import do_create_user
from kaoping.web.models import Role

PASSWORD = "Journey-test-2026"
NAME = "机关党建常态化绩效考评（旅程测试）"
SCHEME_FILE = "a-linyi-branches.yaml"
ITEM = "记录规范及档案整理情况"
RETURN_REASON = "佐证材料显示2月15日已完成归档，完成日期填写有误，请改正后重新提交"
CORRECTION = "核对佐证：一支部2月档案已于2月15日按时归档，原完成日期填报有误"

ACCOUNTS = {  # username: (full name, organisation, role)
    "kaohe": ("机关党委考核员", "机关党委", Role.ASSESSOR),
    "hecha": ("机关党委核查员", "机关党委", Role.ASSESSOR),
    "yizhi": ("一支部填报员", "一支部", Role.REPORTER),
    "erzhi": ("二支部填报员", "二支部", Role.REPORTER),
}


@pytest.fixture
def tree(transactional_db, settings, tmp_path):
    """The organisation tree and the accounts; evidence files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "files"
    county = do_create_organisation(None, name="县委")
    organ = do_create_organisation(None, name="机关党委", parent=county)
    orgs = {"机关党委": organ}
    for name in ("一支部", "二支部", "三支部"):
        orgs[name] = do_create_organisation(None, name=name, parent=organ)
    for username, (full_name, org, role) in ACCOUNTS.items():
        do_create_user(None, username=username, password=PASSWORD, full_name=full_name,
                       organisation=orgs[org], role=role)
    return orgs


# ------------------------------------------------------------------ helpers


def sign_in(page: Page, log_in, username: str) -> None:
    """Whoever was signed in leaves (the session cookie goes); ``username`` logs in."""
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)
    expect(page.locator("header .who")).to_contain_text(ACCOUNTS[username][0])


def nav(page: Page, label: str) -> None:
    page.locator("header nav").get_by_role("link", name=label, exact=True).click()


def message(page: Page, text: str) -> None:
    expect(page.locator("main ul.messages")).to_contain_text(text)


def section(page: Page, period: str):
    """A period's section on the reporter's 填报 page."""
    return page.locator("details.period-section").filter(has_text=f"{NAME} · {period}")


def new_record(page: Page, where, kind: str = "时间任务") -> None:
    block = where.locator(".kind-block").filter(has=page.locator("h3", has_text=kind))
    block.get_by_role("link", name="新增").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"新增「{kind}」")


def fill_time_task(page: Page, name: str, due: str, done: str) -> None:
    page.get_by_label("考核项目").select_option(ITEM)
    page.get_by_label("业务名称").fill(name)
    page.get_by_label("截止日期").fill(due)
    page.get_by_label("完成日期").fill(done)


def queue_row(page: Page, text: str):
    return page.locator("main table tr").filter(has_text=text)


def period_row(page: Page, where, label: str):
    """The row of a table whose first cell is exactly ``label`` ("2月", not "12月")."""
    return where.locator("tr").filter(has=page.locator("td:first-child").get_by_text(
        label, exact=True))


def expect_ranking(page: Page, expected: list[tuple[str, str, str]]) -> None:
    """The ranking table, row by row: (名次, 单位, 得分)."""
    rows = page.locator("table.ranking tr").filter(has=page.locator("td"))
    expect(rows).to_have_count(len(expected))
    for row, (rank, unit, score) in zip(rows.all(), expected, strict=True):
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(rank)
        expect(cells.nth(1)).to_have_text(unit)
        expect(cells.nth(2)).to_have_text(score)


# ------------------------------------------------------------------ the journey


def test_scheme_a_from_set_up_to_revision_2(tree, live_server, page, log_in, screenshot,
                                            tmp_path):
    today = timezone.localdate()
    year = today.year
    day = lambda d: d.isoformat()  # noqa: E731

    # ---------------------------------------------------------- 1. the assessor sets up
    sign_in(page, log_in, "kaohe")
    nav(page, "考核设置")
    page.get_by_role("link", name="新建考核").click()
    expect(page.get_by_role("heading", name="新建考核")).to_be_visible()
    # choosing the scheme re-renders the form in place (htmx): wait for the new form
    page.locator("#setup-form").evaluate("form => form.dataset.stale = '1'")
    page.locator("#id_scheme").select_option(SCHEME_FILE)
    expect(page.locator("#setup-form:not([data-stale])")).to_be_attached()
    expect(page.locator("#id_scheme")).to_have_value(SCHEME_FILE)
    expect(page.locator("#id_organisation option:checked")).to_have_text("机关党委")
    expect(page.locator("#id_year")).to_have_value(str(year))
    expect(page.locator("#id_cycle")).to_have_value("month")

    page.get_by_label("考核名称", exact=True).fill(NAME)
    for branch in ("一支部", "二支部", "三支部"):  # the direct subordinates, chosen by default
        expect(page.get_by_label(branch, exact=True)).to_be_checked()
    deadlines = {1: today - dt.timedelta(days=2), 2: today + dt.timedelta(days=10)}
    deadlines.update({k: today + dt.timedelta(days=30 * k) for k in range(3, 13)})
    for k, d in deadlines.items():
        page.locator(f"#id_deadline_{k}").fill(day(d))
    page.get_by_label("机关党委核查员").check()
    page.get_by_label("机关党委考核员").uncheck()
    screenshot(page, "journey/01-setup-form")
    page.get_by_role("button", name="创建考核").click()

    message(page, f"已创建考核「{NAME}」")
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.locator("main")).to_contain_text("核查人员 机关党委核查员")
    periods = page.locator("main table").first
    expect(period_row(page, periods, "1月")).to_contain_text(day(deadlines[1]))
    expect(period_row(page, periods, "2月")).to_contain_text(day(deadlines[2]))
    expect(page.locator("main")).to_contain_text("一支部、二支部、三支部")

    # ---------------------------------------------------------- 2a. 一支部 reports 1月 late
    sign_in(page, log_in, "yizhi")
    nav(page, "填报")
    jan, feb = section(page, "1月"), section(page, "2月")
    expect(jan.locator("summary")).to_contain_text("已逾期 2 天")
    expect(feb.locator("summary")).to_contain_text("还剩 10 天")
    # an overdue month with nothing reported is open, and listed before the current month
    expect(jan).to_have_attribute("open", "")
    expect(page.locator("details.period-section").first.locator("summary")).to_contain_text(
        f"{NAME} · 1月")
    screenshot(page, "journey/02-reporter-todo")
    new_record(page, jan)
    expect(page.get_by_label("月份")).to_have_value("1")
    fill_time_task(page, "1月档案整理归档", f"{year}-01-15", f"{year}-01-18")
    page.get_by_role("button", name="提交", exact=True).click()
    message(page, "已提交「时间任务」记录（逾期提交，已标记）")
    row = page.locator("table.records tr").filter(has_text="1月档案整理归档")
    expect(row.locator(".tag.submitted")).to_have_text("已提交")
    expect(row.locator(".tag.late")).to_have_text("逾期")

    # ... and 2月 on time, its task itself done three days late
    nav(page, "填报")
    new_record(page, section(page, "2月"))
    expect(page.get_by_label("月份")).to_have_value("2")
    fill_time_task(page, "2月档案整理归档", f"{year}-02-15", f"{year}-02-18")
    page.get_by_role("button", name="提交", exact=True).click()
    message(page, "已提交「时间任务」记录")
    row = page.locator("table.records tr").filter(has_text="2月档案整理归档")
    expect(row.locator(".tag.submitted")).to_have_text("已提交")
    expect(row.locator(".tag.late")).to_have_count(0)

    # ---------------------------------------------------------- 2b. 二支部 attaches evidence
    evidence = tmp_path / "2月档案归档清单.txt"
    evidence.write_text("二支部2月档案整理归档清单\n归档日期：2月15日\n", encoding="utf-8")
    sign_in(page, log_in, "erzhi")
    nav(page, "填报")
    new_record(page, section(page, "2月"))
    fill_time_task(page, "2月档案整理归档", f"{year}-02-15", f"{year}-02-16")
    page.get_by_role("button", name="保存草稿").click()
    message(page, "已保存「时间任务」记录（草稿，尚未提交）")
    page.get_by_label("上传文件").set_input_files(evidence)
    page.get_by_role("button", name="上传", exact=True).click()
    message(page, f"已上传佐证材料「{evidence.name}」")
    expect(page.locator("main")).to_contain_text("草稿")
    with page.expect_download() as download:
        page.get_by_role("link", name=evidence.name).click()
    assert download.value.suggested_filename == evidence.name
    screenshot(page, "journey/03-record-with-evidence")
    page.get_by_role("button", name="提交", exact=True).click()
    message(page, "已提交「时间任务」记录")
    row = page.locator("table.records tr").filter(has_text="2月档案整理归档")
    expect(row.locator(".tag.submitted")).to_have_text("已提交")
    expect(row.locator(".tag.late")).to_have_count(0)

    # ---------------------------------------------------------- 3. verification
    sign_in(page, log_in, "hecha")
    nav(page, "核查")
    index_row = page.locator("main table tr").filter(has_text=NAME)
    expect(index_row.locator("td.num")).to_have_text("3")
    index_row.get_by_role("link", name="进入核查").click()
    expect(page.locator("main")).to_contain_text("共 3 条")
    expect(queue_row(page, "1月档案整理归档").locator(".tag.late")).to_have_text("逾期")
    screenshot(page, "journey/04-verification-queue")
    queue_row(page, "二支部").get_by_role("link", name="核查").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("二支部 · 时间任务")
    expect(page.get_by_role("link", name=evidence.name)).to_be_visible()
    page.get_by_label("退回原因").fill(RETURN_REASON)
    page.get_by_role("button", name=re.compile("^退回")).click()
    message(page, "已退回，填报员将看到退回原因")
    # the next record of the queue opens (下一条); the queue has 2 left
    page.get_by_role("link", name="← 返回核查列表").click()
    expect(page.locator("main")).to_contain_text("共 2 条")

    # the reporter sees the reason, fixes the record and resubmits
    sign_in(page, log_in, "erzhi")
    nav(page, "填报")
    returned = page.locator(".returned-list")
    expect(returned).to_contain_text(RETURN_REASON)
    returned.get_by_role("link", name="修改后重新提交").click()
    expect(page.locator("main")).to_contain_text(f"退回原因：{RETURN_REASON}")
    expect(page.get_by_label("完成日期")).to_have_value(f"{year}-02-16")
    page.get_by_label("完成日期").fill(f"{year}-02-15")
    page.get_by_role("button", name="提交", exact=True).click()
    message(page, "已提交「时间任务」记录")
    row = page.locator("table.records tr").filter(has_text="2月档案整理归档")
    expect(row.locator(".tag.submitted")).to_have_text("已提交")
    expect(row).not_to_contain_text("退回原因")

    # the verifier accepts it, and the other two
    sign_in(page, log_in, "hecha")
    nav(page, "核查")
    page.get_by_role("link", name="进入核查").click()
    expect(page.locator("main")).to_contain_text("共 3 条")
    # one after the other: each decision opens the next record, the last the queue
    page.locator("main table").get_by_role("link", name="核查").first.click()
    for _ in range(2):
        page.get_by_role("button", name="核查通过，下一条").click()
        message(page, "已核查通过")
        expect(page.get_by_role("link", name="← 返回核查列表")).to_be_visible()
    page.get_by_role("button", name="核查通过", exact=True).click()
    message(page, "本列表中的记录都已处理")
    expect(page.locator("main")).to_contain_text("没有符合条件的记录")

    # ---------------------------------------------------------- 4. scoring and publication
    sign_in(page, log_in, "kaohe")
    nav(page, "考核结果")
    page.get_by_role("link", name="评分与公示").click()
    page.get_by_label("考核期").select_option(label="2月")
    page.get_by_role("button", name="评分", exact=True).click()
    message(page, "2月 评分完成")
    # 一支部 1 (1月) + 0.7 (2月) = 1.70; 二支部 1 (2月); 三支部 nothing
    expect_ranking(page, [("1", "一支部", "1.70"), ("2", "二支部", "1.00"),
                          ("3", "三支部", "0.00")])
    # 三支部 reported nothing in 2月: the publish form says so and asks for a confirmation
    expect(page.locator(".open-items")).to_contain_text("1 个单位本期没有数据：三支部")
    page.get_by_label("我已了解以上未完事项，仍要公示").check()
    screenshot(page, "journey/04-publish-open-items")
    page.get_by_role("button", name="公示2月结果").click()
    message(page, "2月 结果已公示（第 1 版）")
    expect(page).to_have_url(re.compile(r"/periods/\d+/results/\?revision=1$"))

    # ---------------------------------------------------------- 5. a reporter reads its rank
    sign_in(page, log_in, "yizhi")
    nav(page, "考核结果")
    period_row(page, page.locator("main table"), "2月").get_by_role("link", name="第 1 版").click()
    own = page.locator(".card.own")
    expect(own).to_contain_text("一支部")
    expect(own).to_contain_text("名次：第 1 名 · 得分：1.70")
    screenshot(page, "journey/05-ranking")
    own.get_by_role("link", name="查看得分说明").click()
    expect(page.get_by_role("heading", name="得分说明：一支部")).to_be_visible()
    text = page.locator(".explain-headline, .explain")
    expect(page.locator("main")).to_contain_text("公示第 1 版")
    expect(page.locator(".explain-headline")).to_contain_text("得分 1.70")
    expect(page.locator(".explain-headline")).to_contain_text("名次 第 1 名（共 3 个），倒数第 3 名")
    main = page.locator("main")
    # 2月: done 02-18 against 02-15 → 1 − 0.1×3 = 0.7; the best of the group is 二支部's 1
    expect(main).to_contain_text("超期 3 天：1 − 0.1×3 = 0.7")
    expect(main).to_contain_text("本单位「业务得分」0.7，同一上级组织内最高 1（二支部），按所占比例得 0.7")
    # 1月: the same 0.7, but nobody did better that month → 0.7 ÷ 0.7 = 1
    expect(main).to_contain_text(
        "本单位「业务得分」0.7，同一上级组织内最高 0.7（一支部），是同一上级组织内最高的，得满分 1")
    expect(main).not_to_contain_text("÷ 同一上级组织内最高")
    score = page.locator("details.explain-level.depth-0 > summary")
    expect(score).to_contain_text("年度党建考核成绩")
    expect(score).to_contain_text("1.7")
    assert text.count() == 2
    screenshot(page, "journey/06-explanation")

    # ---------------------------------------------------------- 6. correction and revision 2
    sign_in(page, log_in, "kaohe")
    nav(page, "核查")
    page.get_by_role("link", name="进入核查").click()
    page.get_by_label("状态").select_option("all")
    page.get_by_label("单位").select_option(label="一支部")
    page.get_by_label("考核期").select_option(label="2月（已公示）")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("main")).to_contain_text("共 1 条")
    queue_row(page, "2月档案整理归档").get_by_role("link", name="核查").click()
    expect(page.locator("main")).to_contain_text("该期已公示，已锁定")
    correction = page.locator(".card").filter(has=page.get_by_role("heading", name="公示后更正"))
    correction.get_by_label("要调整的项").select_option("完成日期")
    correction.get_by_label("新值（完成日期）").fill(f"{year}-02-15")   # a date picker
    correction.get_by_label("理由").fill(CORRECTION)
    correction.get_by_role("button", name="更正").click()
    message(page, "已更正；请重新评分并发布更正版")
    expect(page.locator("table").first).to_contain_text(f"{year}-02-15")

    nav(page, "考核结果")
    page.get_by_role("link", name="评分与公示").click()
    page.get_by_label("考核期").select_option(label="2月（已公示）")
    page.get_by_role("button", name="评分", exact=True).click()
    message(page, "2月 评分完成")
    # 一支部 now 1 (1月) + 1 (2月, done on 02-15) = 2.00
    expect_ranking(page, [("1", "一支部", "2.00"), ("2", "二支部", "1.00"),
                          ("3", "三支部", "0.00")])
    page.get_by_label("更正理由").fill(CORRECTION)
    page.get_by_role("button", name="发布更正版").click()
    message(page, "2月 结果已公示（第 2 版）")
    expect(page.locator("main")).to_contain_text("第 2 版 · ")
    expect(page.locator("main > p.muted").first).to_contain_text(f"更正理由：{CORRECTION}")
    revisions = page.locator(".revisions")
    expect(revisions).to_contain_text("第 2 版：")
    expect(revisions).to_contain_text(f"更正理由：{CORRECTION}")
    expect_ranking(page, [("1", "一支部", "2.00"), ("2", "二支部", "1.00"),
                          ("3", "三支部", "0.00")])
    screenshot(page, "journey/07-revision-2")
    revisions.get_by_role("link", name="第 1 版").click()
    expect(page).to_have_url(re.compile(r"\?revision=1$"))
    expect(page.locator("main > p.muted").first).to_contain_text("第 1 版")
    expect(page.locator("main > p.muted").first).not_to_contain_text("更正理由")
    expect_ranking(page, [("1", "一支部", "1.70"), ("2", "二支部", "1.00"),
                          ("3", "三支部", "0.00")])

    # the reporter reads both revisions, and the reason
    sign_in(page, log_in, "yizhi")
    nav(page, "考核结果")
    results_row = period_row(page, page.locator("main table"), "2月")
    expect(results_row.get_by_role("link", name="第 1 版")).to_be_visible()
    results_row.get_by_role("link", name="第 2 版").click()
    expect(page.locator(".card.own")).to_contain_text("名次：第 1 名 · 得分：2.00")
    expect(page.locator(".revisions")).to_contain_text(f"更正理由：{CORRECTION}")
    page.locator(".revisions").get_by_role("link", name="第 1 版").click()
    expect(page.locator(".card.own")).to_contain_text("名次：第 1 名 · 得分：1.70")
