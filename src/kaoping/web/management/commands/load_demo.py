"""Demo data for ``make run`` and the browser tests.

Two trees, two assessments, and an account for every role::

    县委                                   admin: 系统管理员; leader: 领导
    └── 机关党委                           assessor: 考核管理员 (assessment on scheme A)
        ├── 一支部 … 八支部                reporter1 … reporter8: 填报员
    州直机关工委                           assessor-g: 考核管理员 (assessment on scheme G)
    ├── 州人民政府办公室                   (lead units, 牵头单位)
    │   └── 州机关事务局党组书记 …         (the secretaries assessed)
    ├── 州发展和改革委员会 …
    └── 州教育和体育局 …

Scheme A (2026, monthly, reports close on the 25th) gets months 1–3 of the records of
``schemes/examples/a-linyi-branches.json``: months 1–2 verified (已核查), month 3 submitted
(已提交) and waiting for verification, plus the assessor's deductions and the first
quarter's showcase ranks and democratic scores. Scheme G (2026, quarterly) gets the field
checks of quarters 1–3 from ``g-xiangxi-secretaries.json``, entered and verified by G's
assessor. Everything is written through the actions (so the audit trail is complete), on
the dates the example data gives: a quantity task reported after the 25th is late.

The command refuses to run on a database that already has users or organisations
(``--reset`` empties the database first; ``--if-empty`` loads only into an empty one and
otherwise just prints the accounts, which is what ``make run`` does).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ....cli import find_schemes
from ....engine import Scheme, load_scheme
from ...actions.assessments import do_create_assessment
from ...actions.orgs import do_create_organisation
from ...actions.people import do_create_user, do_grant_role
from ...actions.records import do_save_record
from ...actions.verification import do_accept_record
from ...models import Assessment, Organisation, Period, Role

#: every demo account has this password (a demo: change it, or reset, before real use)
DEMO_PASSWORD = "kaoping-demo-2026"
YEAR = 2026
A_MONTHS = (1, 2, 3)
G_QUARTERS = (1, 2, 3)
BRANCHES = ("一支部", "二支部", "三支部", "四支部", "五支部", "六支部", "七支部", "八支部")


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: Role
    organisation: str
    note: str = ""


ACCOUNTS = (
    Account("admin", "系统管理员", Role.ADMIN, "县委", "组织树、用户与角色（也管理州直机关工委）"),
    Account("assessor", "机关党委考核员", Role.ASSESSOR, "机关党委", "方案 A 的考核：核查、评分、公示"),
    Account("leader", "县委领导", Role.LEADER, "县委", "只读：排名与图表"),
    Account("reporter1", "一支部填报员", Role.REPORTER, "一支部", "一支部的填报"),
    Account("reporter2", "二支部填报员", Role.REPORTER, "二支部", "二支部的填报"),
    *(Account(f"reporter{k}", f"{b}填报员", Role.REPORTER, b) for k, b in enumerate(BRANCHES, 1)
      if k > 2),
    Account("assessor-g", "州直机关工委考核员", Role.ASSESSOR, "州直机关工委",
            "方案 G 的考核（党组织书记述职评议）"),
)
#: extra roles beyond each account's own line
EXTRA_ROLES = (("admin", Role.ADMIN, "州直机关工委"),)


@dataclass
class Demo:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    assessment_a: Assessment | None = None
    assessment_g: Assessment | None = None
    records: int = 0


def database_is_empty() -> bool:
    return not (get_user_model().objects.exists() or Organisation.objects.exists())


def demo_is_loaded() -> bool:
    return get_user_model().objects.filter(username="assessor").exists() and \
        Organisation.objects.filter(name="县委", parent=None).exists()


def accounts_text() -> str:
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    for a in ACCOUNTS:
        note = f"：{a.note}" if a.note else ""
        lines.append(f"  {a.username:<11} {a.role.label}（{a.organisation}）{note}")
    return "\n".join(lines)


@transaction.atomic
def build_demo(schemes: Path | None = None, *, records: bool = True) -> Demo:
    """Create the demo trees, accounts, assessments and (unless ``records`` is false: the
    browser tests, which want speed) their records, in one transaction."""
    folder = schemes or getattr(settings, "KAOPING_SCHEMES_DIR", None) or find_schemes()
    if folder is None:
        raise CommandError("找不到 schemes 文件夹")
    demo = Demo()
    orgs = demo.organisations

    def org(name: str, parent: str | None = None, **extra) -> Organisation:
        orgs[name] = do_create_organisation(None, name=name, parent=orgs.get(parent), **extra)
        return orgs[name]

    # ---- tree A: 县委 → 机关党委 → eight branches
    org("县委", category="县委")
    org("机关党委", "县委", category="机关党委")
    for k, branch in enumerate(BRANCHES):
        org(branch, "机关党委", category="党支部", member_count=12 + 3 * k)
    # ---- tree G: 州直机关工委 → lead units → the secretaries, from the example
    g_doc = json.loads((folder / "examples" / "g-xiangxi-secretaries.json").read_text("utf-8"))
    org("州直机关工委", category="州直机关工委")
    for unit in g_doc["units"]:
        lead = unit["上级组织"]
        if lead not in orgs:
            org(lead, "州直机关工委", category="牵头单位")
        org(unit["单位"], lead, category="党组织书记")

    # ---- accounts
    users = demo.users
    for a in ACCOUNTS:
        users[a.username] = do_create_user(None, username=a.username, password=DEMO_PASSWORD,
                                           full_name=a.full_name)
        do_grant_role(None, users[a.username], orgs[a.organisation], a.role)
    for username, role, organisation in EXTRA_ROLES:
        do_grant_role(None, users[username], orgs[organisation], role)

    # ---- assessment A
    a_scheme_path = folder / "a-linyi-branches.yaml"
    demo.assessment_a = _assessment(a_scheme_path, orgs["机关党委"], users["assessor"],
                                    cycle="month", units=[orgs[b] for b in BRANCHES])
    a_doc = json.loads((folder / "examples" / "a-linyi-branches.json").read_text("utf-8"))
    reporters = {orgs[a.organisation].pk: users[a.username] for a in ACCOUNTS
                 if a.role == Role.REPORTER}
    if records:
        demo.records += _records(demo.assessment_a, a_doc, orgs, reporters, users["assessor"],
                                 periods=A_MONTHS, submitted_only=(3,))

    # ---- assessment G
    g_scheme_path = folder / "g-xiangxi-secretaries.yaml"
    demo.assessment_g = _assessment(g_scheme_path, orgs["州直机关工委"], users["assessor-g"],
                                    cycle="quarter", units=[orgs[u["单位"]] for u in g_doc["units"]])
    if records:
        demo.records += _records(demo.assessment_g, g_doc, orgs, {}, users["assessor-g"],
                                 periods=G_QUARTERS, submitted_only=())
    return demo


def _assessment(path: Path, organisation: Organisation, assessor, *, cycle: str,
                units: list[Organisation]) -> Assessment:
    source = path.read_text(encoding="utf-8")
    scheme: Scheme = load_scheme(path.name, text=source)
    with _clock(datetime(YEAR, 1, 5, 9, 0)):
        return do_create_assessment(
            assessor, organisation=organisation, name=scheme.name,
            scheme_file=path.name, scheme_source=source, year=YEAR, cycle=cycle,
            units=[(u, "") for u in units], verifiers=[assessor])


_GRAIN_COLUMN = {"month": "月份", "quarter": "季度"}
_MONTHS_PER = {"month": 1, "quarter": 3}


def _records(assessment: Assessment, doc: dict, orgs: dict[str, Organisation],
             reporters: dict[int, object], assessor, *, periods: tuple[int, ...],
             submitted_only: tuple[int, ...]) -> int:
    """The example's records of the given assessment periods, entered and submitted through
    the record actions by the unit's reporter (or the assessor, for the kinds it enters),
    then accepted by the assessor unless the period is in ``submitted_only``.

    Each act happens on the demo clock: a record is submitted on the date the example gives
    (its ``auto: submitted_on`` date, else the latest date it mentions, else the 20th), so
    late submissions are marked late, and verified two days later. A record of a finer or
    coarser grain than the assessment's cycle belongs to the period its own period ends in
    (quarter 1 of a monthly assessment: month 3). Yearly records are left out: the demo
    year is not over."""
    scheme = assessment.scheme
    by_number = {p.number: p for p in assessment.periods.all()}
    cycle_months = _MONTHS_PER[assessment.cycle]
    count = 0
    for kind, rows in doc["records"].items():
        spec = scheme.records[kind]
        if spec.period not in _GRAIN_COLUMN:
            continue
        names = [f.name for f in spec.fields]
        for row in rows:
            scheme_period = row[_GRAIN_COLUMN[spec.period]]
            number = -(-scheme_period * _MONTHS_PER[spec.period] // cycle_months)
            if number not in periods:
                continue
            period = by_number[number]
            unit = orgs[row["单位"]]
            values = {n: _text(row[n]) for n in names if row.get(n) is not None}
            by_unit = spec.entered_by == "unit"
            author = reporters.get(unit.pk, assessor) if by_unit else assessor
            day = _submitted_on(spec, values, period)
            with _clock(datetime.combine(day, time(10, 0))):
                record = do_save_record(author, assessment=assessment, period=period, kind=kind,
                                        unit=unit, scheme_period=scheme_period, values=values,
                                        submit=True)
            if not by_unit or number not in submitted_only:
                with _clock(datetime.combine(day + timedelta(days=2), time(15, 0))):
                    do_accept_record(assessor, record)
            count += 1
    return count


def _text(value):
    """A value as a form gives it: text, or True/False for a check box."""
    return value if isinstance(value, bool) else str(value)


def _submitted_on(spec, values: dict, period: Period) -> date:
    auto = [f.name for f in spec.fields if f.auto == "submitted_on" and f.name in values]
    if auto:
        return date.fromisoformat(values[auto[0]])
    dates = [date.fromisoformat(values[f.name]) for f in spec.fields
             if f.type == "date" and f.name in values]
    return max(dates) if dates else period.deadline.replace(day=20)


@contextmanager
def _clock(when: datetime):
    """The demo clock: the actions (and auto_now fields) see ``when`` as the current time,
    so three months of history are recorded on the days they would have happened."""
    aware = timezone.make_aware(when) if timezone.is_naive(when) else when
    with mock.patch("django.utils.timezone.now", return_value=aware):
        yield


class Command(BaseCommand):
    help = "载入演示数据：县委—机关党委—八个支部（方案 A，2026 年 1–3 月记录）与方案 G 的党组织书记，以及各角色的演示账号"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true",
                           help="先清空整个数据库（全部数据！）再载入")
        group.add_argument("--if-empty", action="store_true",
                           help="数据库为空时才载入；否则不做改动（make run 使用）")

    def handle(self, *args, reset: bool = False, if_empty: bool = False, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif not database_is_empty():
            if if_empty:
                self.stdout.write("数据库已有数据，未载入演示数据。")
                if demo_is_loaded():
                    self.stdout.write(accounts_text())
                return
            raise CommandError("数据库已有用户或组织，拒绝载入演示数据（用 --reset 清空后重新载入）。")
        demo = build_demo()
        self.stdout.write(self.style.SUCCESS(
            f"已载入演示数据：{len(demo.organisations)} 个组织、{len(demo.users)} 个账号、"
            f"2 项考核、{demo.records} 条记录。"))
        self.stdout.write(accounts_text())
