"""A reporter's home page: its own overdue and due-soon items first, with links to report."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from kaoping.web import progress


def test_overdue_then_due_soon_then_the_current_period(progress_world):
    w = progress_world
    todo = progress.reporter_todo(w.world.carol, date(2026, 2, 24))
    kinds = [(t.assessment, t.period, t.state) for t in todo]
    # A's 15 items less item 1 书记履职尽责情况 (reported in a quarter's last month only, issue
    # 11 point 2) and item 10 扣分因素 (deductions the assessor enters) = 13 columns in 1月 and 2月.
    # 1月 is overdue: 13 − 2 done = 11 items; 2月 is due tomorrow: 13 items; E's year is
    # the current open period of that assessment: 1 item (指标评分; 申诉 is reported only
    # when a unit appeals); 3月 (a month ahead) is not listed
    assert kinds == ([(w.a, w.jan, "overdue")] * 11 + [(w.a, w.feb, "soon")] * 13
                     + [(w.e, w.e_year, "open")] * 1)
    assert todo[-1].column.key == "kind:指标评分"
    assert {t.unit for t in todo} == {w.world.b1}
    assert [t.column.short for t in todo[:3]] == ["2", "3", "4"]  # scheme order within a period
    assert todo[0].days_left == -30 and todo[11].days_left == 1
    assert all(t.url for t in todo)


def test_only_the_reporters_own_unit(progress_world):
    w = progress_world
    todo = progress.reporter_todo(w.world.dave, date(2026, 2, 24))
    assert {t.unit for t in todo} == {w.world.b2}
    feb = [t for t in todo if t.period == w.feb]
    assert len(feb) == 12 and "item:3" not in {t.column.key for t in feb}  # 二支部 did item 4
    assert progress.reporter_todo(w.world.eve, date(2026, 2, 24)) == []
    assert progress.reporter_todo(w.world.bob, date(2026, 2, 24)) == []


def test_home_page_lists_the_reporters_items_first(login, progress_world, monkeypatch):
    w = progress_world
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 2, 24))
    html = login(w.world.carol).get(reverse("home")).content.decode()
    assert "我的待办" in html
    assert html.index("我的待办") < html.index("<h2>考核</h2>")
    rows = [s.split('"')[0] for s in html.split('<tr class="todo-')[1:]]
    # 一支部's returned 质量成果 of January first, then one line per period and state:
    # January's 11 overdue items, February's 13 due soon, and E's one open item (its appeal
    # is optional, so not on the to-do list)
    assert rows == ["returned", "overdue", "soon", "open"]
    returned = html.split('<tr class="todo-returned">')[1].split("</tr>")[0]
    assert "已退回" in returned and "质量成果" in returned and "修改后重新提交" in returned
    assert "11 项：" in html and "13 项：" in html and "2 项：" not in html
    open_row = html.split('<tr class="todo-open">')[1].split("</tr>")[0]
    assert "指标评分" in open_row and "申诉" not in open_row
    assert "二支部" not in html
    assert "去填报" in html


def test_home_page_of_non_reporters_has_no_todo(login, progress_world):
    html = login(progress_world.world.bob).get(reverse("home")).content.decode()
    assert "我的待办" not in html


def test_report_link_opens_the_units_reporting_page(login, progress_world):
    w = progress_world
    url = progress.report_url(w.a, w.jan, w.world.b1)
    assert url.startswith(reverse("report_period", args=[w.a.pk, 1]))
    assert url.endswith(f"?unit={w.world.b1.pk}")
    assert login(w.world.carol).get(url).status_code == 200


def test_report_link_falls_back_when_reporting_pages_are_missing(progress_world, monkeypatch):
    from django.urls import NoReverseMatch

    real = progress.reverse

    def without_reporting(name, *args, **kwargs):
        if name == "report_period":
            raise NoReverseMatch(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(progress, "reverse", without_reporting)
    w = progress_world
    assert progress.report_url(w.a, w.jan, w.world.b1) == reverse("assessment_detail",
                                                                  args=[w.a.pk])


def test_a_returned_record_stays_first_with_its_reason_until_resubmitted(login, progress_world,
                                                                        monkeypatch):
    from kaoping.web.models import Record

    w = progress_world
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 2, 24))
    record = Record.objects.get(status=Record.Status.RETURNED)
    Record.objects.filter(pk=record.pk).update(return_reason="缺少会议记录照片")
    html = login(w.world.carol).get(reverse("home")).content.decode()
    assert "质量成果：缺少会议记录照片" in html
    assert html.index("todo-returned") < html.index("todo-overdue")
    Record.objects.filter(pk=record.pk).update(status=Record.Status.SUBMITTED)  # resubmitted
    assert "todo-returned" not in login(w.world.carol).get(reverse("home")).content.decode()
