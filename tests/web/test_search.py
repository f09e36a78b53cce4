"""查找: an assessment's records and units by name, item, period and state; staff search
every unit, a reporter only their own (issue 11, search)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaoping.web.models import Record

QUANTITY_ITEM = "“三会一课”“主题党日”运行"


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    w.r1 = w.time_task(w.world.b1, "2026-01-18", name="1月档案整理归档")
    w.r2 = w.time_task(w.world.b2, "2026-01-15", name="1月档案整理归档",
                       status=Record.Status.ACCEPTED)
    w.r3 = w.record(w.world.b1, "数量任务", {"考核项目": QUANTITY_ITEM, "业务名称": "2月主题党日",
                                          "应报数量": 2, "实报数量": 2}, period=w.feb)
    w.draft = w.time_task(w.world.b2, "2026-01-20", name="二支部草稿",
                          status=Record.Status.DRAFT)
    w.url = reverse("search", args=[w.a.pk])
    return w


def _found(page: str, *records) -> list[bool]:
    return [reverse("verify_record", args=[r.pk]) in page
            or reverse("record_detail", args=[r.pk]) in page for r in records]


def test_staff_find_by_name_item_period_and_state(w, login):
    c = login(w.world.bob)
    page = c.get(w.url, {"q": "档案"}).content.decode()
    assert _found(page, w.r1, w.r2, w.r3, w.draft) == [True, True, False, False]
    assert "记录（2 条）" in page and "记录规范及档案整理情况" in page   # the item column
    page = c.get(w.url, {"item": QUANTITY_ITEM}).content.decode()
    assert _found(page, w.r1, w.r2, w.r3) == [False, False, True]
    page = c.get(w.url, {"period": w.jan.pk, "status": "accepted"}).content.decode()
    assert _found(page, w.r1, w.r2, w.r3) == [False, True, False]
    # a unit's name finds the unit (with its history) and its records
    page = c.get(w.url, {"q": "一支部"}).content.decode()
    assert "单位（1 个）" in page and reverse("unit_history", args=[w.world.b1.pk]) in page
    assert _found(page, w.r1, w.r2, w.r3) == [True, False, True]
    # the records open in verification for staff; no internal ids on the page
    assert reverse("verify_record", args=[w.r1.pk]) in page
    assert f"#{w.r1.pk}" not in page
    assert "没有找到符合条件的记录" in c.get(w.url, {"q": "不存在的内容"}).content.decode()


def test_a_reporter_finds_only_their_units_records(w, login):
    c = login(w.world.carol)                  # 一支部's reporter
    page = c.get(w.url, {"q": "档案"}).content.decode()
    assert _found(page, w.r1, w.r2) == [True, False]
    assert reverse("record_detail", args=[w.r1.pk]) in page
    assert "在本单位的记录中查找" in page
    page = c.get(w.url, {"q": "二支部"}).content.decode()
    assert "单位（" not in page and _found(page, w.r2, w.draft) == [False, False]
    # 二支部's reporter finds its own draft; staff do not see others' drafts
    assert _found(login(w.world.dave).get(w.url, {"q": "草稿"}).content.decode(), w.draft) == [True]
    assert _found(login(w.world.bob).get(w.url, {"q": "草稿"}).content.decode(), w.draft) == [False]


@pytest.mark.parametrize("who", ["eve", "frank"])
def test_others_may_not_search(w, login, who):
    assert login(getattr(w.world, who)).get(w.url, {"q": "档案"}).status_code == 404


def test_anonymous_goes_to_login(w):
    r = Client().get(w.url)
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_linked_from_home_and_the_assessment(w, login):
    home = login(w.world.carol).get("/").content.decode()
    assert w.url in home
    detail = login(w.world.bob).get(reverse("assessment_detail", args=[w.a.pk])).content.decode()
    assert w.url in detail
