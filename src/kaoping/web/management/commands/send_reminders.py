"""Email reporters whose units have items near or past a period's deadline (run it from cron).

    0 8 * * *  cd /srv/kaoping && .venv/bin/python manage.py send_reminders
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...actions.reminders import do_send_reminders


class Command(BaseCommand):
    help = "给有临近截止或已逾期填报事项的单位的填报员发送提醒邮件"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天计算临期和逾期（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        now = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
            now = timezone.make_aware(datetime.combine(day, time(12)))
        run = do_send_reminders(now)
        self.stdout.write(f"已发送 {run.sent} 封提醒邮件")
        if run.skipped_no_email:
            self.stdout.write(f"没有邮箱、未发送：{'、'.join(run.skipped_no_email)}")
        if run.failed:  # a non-zero exit, so that cron reports it
            raise CommandError(f"{len(run.failed)} 封发送失败：{'、'.join(run.failed)}")
