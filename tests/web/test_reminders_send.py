"""Reminders: reporters of units with outstanding items near or past a deadline get mail."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaoping.web.actions.reminders import do_send_reminders
from kaoping.web.models import AuditEntry, Period


def at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 9))


@pytest.fixture
def emails(progress_world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = progress_world.world
    for user in (w.carol, w.dave, w.eve):
        user.email = f"{user.username}@example.org"
        user.save()
    return progress_world


def test_mail_to_reporters_of_units_with_outstanding_items(emails, mailoutbox):
    run = do_send_reminders(at(2026, 1, 23))   # 1月 closes in 2 days; 2月 is a month away
    assert run.sent == 2 and run.periods == [emails.jan.pk]
    by_to = {m.to[0]: m for m in mailoutbox}
    assert set(by_to) == {"carol@example.org", "dave@example.org"}   # never eve, an outsider
    carol = by_to["carol@example.org"]
    # 13 columns in 1月 (items 1 and 10 are not reported by branches then), 2 done → 11
    assert carol.subject == "【党建考评】您有 11 项填报临近截止"
    assert "机关党建常态化绩效考评 · 1月 · 一支部" in carol.body
    assert "2 “三会一课”“主题党日”运行" in carol.body       # a draft is still outstanding
    assert "7 党建制度建设" not in carol.body                 # submitted
    assert "1 书记履职尽责情况" not in carol.body             # reported in March, not January
    assert "二支部" not in carol.body
    assert "还剩 2 天" in carol.body


def test_overdue_items_in_the_subject(emails, mailoutbox):
    do_send_reminders(at(2026, 1, 27))
    carol = next(m for m in mailoutbox if m.to == ["carol@example.org"])
    assert carol.subject == "【党建考评】您有 11 项填报已逾期"
    assert "已逾期" in carol.body


def test_nothing_for_units_that_are_done(emails, mailoutbox):
    w = emails
    for p in (w.jan, w.feb, w.mar):   # only E's year period is open now
        p.state = Period.State.PUBLISHED
        p.save()
    w.record(w.e, w.e_year, w.world.b1, "指标评分")
    run = do_send_reminders(at(2026, 12, 18))
    assert run.sent == 1 and [m.to for m in mailoutbox] == [["dave@example.org"]]
    assert mailoutbox[0].subject == "【党建考评】您有 1 项填报临近截止"
    # an appeal (申诉, expected: when_applicable) is never reminded of, only 指标评分
    assert "指标评分" in mailoutbox[0].body and "申诉" not in mailoutbox[0].body


def test_nothing_before_the_due_soon_window(emails, mailoutbox):
    run = do_send_reminders(at(2026, 1, 21))   # 4 days before 1月's deadline
    assert run.sent == 0 and mailoutbox == []
    assert AuditEntry.objects.filter(action="reminders.send").count() == 1


def test_no_mail_without_an_address_or_for_inactive_users(emails, mailoutbox):
    w = emails.world
    w.carol.email = ""
    w.carol.save()
    run = do_send_reminders(at(2026, 1, 23))
    assert run.sent == 1 and run.skipped_no_email == ["carol"]
    assert [m.to for m in mailoutbox] == [["dave@example.org"]]
    w.dave.is_active = False
    w.dave.save()
    mailoutbox.clear()
    assert do_send_reminders(at(2026, 1, 23)).sent == 0 and mailoutbox == []


def test_one_audit_row_per_run(emails, mailoutbox):
    do_send_reminders(at(2026, 1, 23))
    rows = AuditEntry.objects.filter(action="reminders.send")
    assert rows.count() == 1
    row = rows.get()
    assert row.object_type == "reminders" and row.object_id == "2026-01-23"
    assert row.after["sent"] == 2 and sorted(row.after["recipients"]) == ["carol", "dave"]
    assert row.after["periods"] == [emails.jan.pk]


def test_a_failing_mail_does_not_stop_the_run(emails, mailoutbox, monkeypatch):
    import kaoping.web.actions.reminders as reminders

    real = reminders.send_mail

    def flaky(subject, body, sender, to, **kw):
        if to == ["carol@example.org"]:
            raise OSError("mail server refused")
        return real(subject, body, sender, to, **kw)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    run = do_send_reminders(at(2026, 1, 23))
    assert run.sent == 1 and run.failed == ["carol"]
    assert AuditEntry.objects.get(action="reminders.send").after["failed"] == ["carol"]


def test_the_command_prints_how_many_were_sent(emails, mailoutbox):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-01-23", stdout=out)
    assert out.getvalue().strip() == "已发送 2 封提醒邮件"
    assert len(mailoutbox) == 2


def test_the_command_reports_users_without_email_and_bad_dates(emails, mailoutbox):
    emails.world.dave.email = ""
    emails.world.dave.save()
    out = StringIO()
    call_command("send_reminders", "--date", "2026-01-23", stdout=out)
    assert "已发送 1 封提醒邮件" in out.getvalue() and "dave" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "23.01.2026", stdout=StringIO())


def test_the_command_fails_visibly_when_mail_cannot_be_sent(emails, monkeypatch):
    import kaoping.web.actions.reminders as reminders

    class Down:
        def open(self):
            raise OSError("connection refused")

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(reminders, "get_connection", lambda: Down())
    monkeypatch.setattr(reminders, "send_mail", refuse)
    out = StringIO()
    with pytest.raises(CommandError, match="2 封发送失败"):
        call_command("send_reminders", "--date", "2026-01-23", stdout=out)
    assert "已发送 0 封提醒邮件" in out.getvalue()
    assert AuditEntry.objects.get(action="reminders.send").after["failed"] == ["carol", "dave"]


def test_the_command_defaults_to_today(emails, mailoutbox):
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().startswith("已发送 ")
    assert AuditEntry.objects.get(action="reminders.send").object_id == \
        timezone.localdate().isoformat()


def test_open_rectification_problems_near_or_past_their_deadline(emails, mailoutbox):
    """整改台账: a problem not yet reported is in the unit's reminder from the assessment's
    due-soon days (3) before its deadline; reported or closed ones are not."""
    from datetime import date

    from kaoping.web.actions.ledger import do_open_problem, do_report_rectification

    w = emails
    late = do_open_problem(w.world.bob, w.a, w.world.b2, source="inspection",
                           description="会议记录缺签字", measure="补签", responsible="二支部书记",
                           deadline=date(2026, 4, 28))
    do_open_problem(w.world.bob, w.a, w.world.b2, source="inspection", description="远期问题",
                    measure="整改", responsible="二支部书记", deadline=date(2026, 6, 30))
    for p in Period.objects.all():  # no reporting due: only the ledger reminds
        p.state = Period.State.PUBLISHED
        p.save()
    run = do_send_reminders(at(2026, 5, 1))   # 3 days past 4月28日
    assert run.sent == 1 and [m.to for m in mailoutbox] == [["dave@example.org"]]
    mail = mailoutbox[0]
    assert mail.subject == "【党建考评】您有 1 项整改已超过时限"
    assert "会议记录缺签字" in mail.body and "已逾期 3 天" in mail.body
    assert "远期问题" not in mail.body and "未提交" not in mail.body
    do_report_rectification(w.world.dave, late, "已补签")
    mailoutbox.clear()
    assert do_send_reminders(at(2026, 5, 1)).sent == 0
