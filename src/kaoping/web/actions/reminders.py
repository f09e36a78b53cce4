"""Reminders by email: reporters of units with outstanding items near or past a deadline,
and with rectification problems (整改台账) still open near or past their deadline.

Run once a day from cron (``manage.py send_reminders``). Mail goes through Django's mail
settings (``KAOPING_EMAIL_*``; without them the console backend prints the mails). Each
reporter receives one mail per run, listing every outstanding item of every unit it reports
for; users without an email address are skipped. The run writes one audit row.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .. import progress
from ..models import Membership, Organisation, Period, Problem, Role
from .base import audit

log = logging.getLogger(__name__)


class ReminderRun:
    """What the audit row of a run points at: the run itself, named by its day."""

    class _meta:  # the shape audit() reads from a model
        model_name = "reminders"

    def __init__(self, day):
        self.pk = day.isoformat()


@dataclass
class Outstanding:
    period: Period
    unit: Organisation
    items: list[tuple[progress.Column, str]]


@dataclass
class Reminders:
    """The outcome of a run."""

    sent: int = 0
    recipients: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped_no_email: list[str] = field(default_factory=list)
    periods: list[int] = field(default_factory=list)


def reminder_periods(today) -> list[Period]:
    """Open periods whose deadline is within the assessment's due-soon days, or passed."""
    periods = (Period.objects.filter(state=Period.State.OPEN)
               .select_related("assessment").order_by("deadline", "assessment_id", "number"))
    return [p for p in periods if (p.deadline - today).days <= p.assessment.due_soon_days]


def do_send_reminders(now: datetime | None = None, actor=None) -> Reminders:
    """Send the day's reminders and audit the run.

    Unlike other actions this one is not one transaction: it only reads until the audit row,
    and on SQLite a transaction takes the write lock when it starts, so a slow mail server
    would hold up every reporter submitting on deadline day. The audit row is written in a
    short transaction of its own once the mail is out."""
    today = timezone.localdate(now or timezone.now())
    run = Reminders()
    assessments = {}
    per_user: dict[int, list[Outstanding]] = defaultdict(list)
    periods = reminder_periods(today)
    for period in periods:
        # one parsed scheme per assessment, however many of its periods are open
        period.assessment = assessments.setdefault(period.assessment_id, period.assessment)
        missing = progress.outstanding(period, today)
        if not missing:
            continue
        run.periods.append(period.pk)
        units = Organisation.objects.in_bulk(list(missing))
        reporters = (Membership.objects.filter(role=Role.REPORTER, organisation_id__in=list(missing),
                                               user__is_active=True)
                     .values_list("user_id", "organisation_id"))
        for user_id, unit_id in reporters:
            per_user[user_id].append(Outstanding(period, units[unit_id], missing[unit_id]))

    problems = _problems_per_user(today)
    users = get_user_model().objects.in_bulk(list(per_user.keys() | problems.keys()))
    connection = _open_connection() if users else None
    try:
        _send_all(per_user, problems, users, today, connection, run)
    finally:
        if connection is not None:
            connection.close()
    _audit_run(actor, today, run)
    return run


def _problems_per_user(today) -> dict[int, list[Problem]]:
    """Reporter → the open (not yet reported) problems of its units whose deadline is within
    the assessment's due-soon days, or passed."""
    problems = [p for p in Problem.objects.filter(state=Problem.State.OPEN)
                .select_related("assessment", "unit").order_by("deadline", "pk")
                if (p.deadline - today).days <= p.assessment.due_soon_days]
    by_unit: dict[int, list[Problem]] = defaultdict(list)
    for p in problems:
        by_unit[p.unit_id].append(p)
    per_user: dict[int, list[Problem]] = defaultdict(list)
    for user_id, unit_id in (Membership.objects.filter(
            role=Role.REPORTER, organisation_id__in=list(by_unit), user__is_active=True)
            .values_list("user_id", "organisation_id")):
        per_user[user_id] += by_unit[unit_id]
    return per_user


def _open_connection():
    """One mail server connection for the whole run (None: each mail tries on its own)."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        log.warning("mail server unavailable: %s", exc)
        return None
    return connection


def _send_all(per_user, problems, users, today, connection, run: Reminders) -> None:
    for user_id in sorted(users):
        user = users[user_id]
        if not user.email:
            run.skipped_no_email.append(user.get_username())
            continue
        subject, body = _message(user, per_user.get(user_id, []), problems.get(user_id, []),
                                 today)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email],
                      connection=connection)
        except Exception as exc:  # one bad address or a mail server hiccup must not stop the run
            log.warning("reminder to %s failed: %s", user.email, exc)
            run.failed.append(user.get_username())
            continue
        run.sent += 1
        run.recipients.append(user.get_username())


@transaction.atomic
def _audit_run(actor, today, run: Reminders) -> None:
    audit(actor, "reminders.send", ReminderRun(today),
          after={"date": today.isoformat(), "sent": run.sent, "recipients": run.recipients,
                 "failed": run.failed, "skipped_no_email": run.skipped_no_email,
                 "periods": run.periods})


def _message(user, work: list[Outstanding], problems: list[Problem], today
             ) -> tuple[str, str]:
    overdue = sum(1 for w in work for _, s in w.items if s == progress.State.OVERDUE)
    total = sum(len(w.items) for w in work)
    late_problems = sum(1 for p in problems if p.deadline < today)
    if overdue:
        subject = f"【党建考评】您有 {overdue} 项填报已逾期"
    elif total:
        subject = f"【党建考评】您有 {total} 项填报临近截止"
    elif late_problems:
        subject = f"【党建考评】您有 {late_problems} 项整改已超过时限"
    else:
        subject = f"【党建考评】您有 {len(problems)} 项整改临近时限"
    body = render_to_string("kaoping/email/reminder.txt", {
        "user": user, "today": today, "total": total, "overdue": overdue,
        "problems": [{"problem": p, "days_left": (p.deadline - today).days,
                      "overdue": p.deadline < today} for p in problems],
        "work": [{"assessment": w.period.assessment, "period": w.period, "unit": w.unit,
                  "days_left": (w.period.deadline - today).days,
                  "overdue": w.period.deadline < today,
                  "items": [c.label for c, _ in w.items]} for w in work],
    })
    return subject, body
