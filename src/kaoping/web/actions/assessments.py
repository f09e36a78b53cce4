"""Writes to assessments: the 考核管理员's set-up, and later changes while nothing is published.

An assessment keeps the text of its scheme file (``scheme_source``), checked by the engine
when it is created: a bundled file edited later never changes an assessment under way.
Its periods follow the cycle (12 months, 4 quarters, 2 halves or the year), each with a
deadline (by default the 25th of the period's last month).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from ...engine import SchemeError, load_scheme
from ...engine.editable import editable_values, with_values
from ...engine.model import PERIODS_PER_YEAR
from ..models import AssessedUnit, Assessment, Membership, Organisation, Period, Record, Role
from .base import ActionError, audit

CYCLES = dict(Assessment._meta.get_field("cycle").choices)
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_DUE_SOON_DAYS = 60
#: the longest appeal or answer window, in days
MAX_APPEAL_DAYS = 90
LOCKED_MESSAGE = "本考核已有考核期公示，设置已锁定，不能再修改"


class SchemeRefused(ActionError):
    """The scheme file is not valid; ``problems`` lists every one the engine found."""

    def __init__(self, problems):
        self.problems = [str(p) for p in problems]
        super().__init__(f"方案文件有 {len(self.problems)} 处问题，请改正后重新上传或选择",
                         {"scheme": "方案文件无效"})


def period_count(cycle: str) -> int:
    return PERIODS_PER_YEAR[cycle]


def default_deadlines(year: int, cycle: str) -> list[dt.date]:
    """The 25th of each period's last month (each month, March/June/…, June/December, December)."""
    n = period_count(cycle)
    return [dt.date(year, (k + 1) * 12 // n, 25) for k in range(n)]


def scheme_cycle(scheme) -> str:
    """The cycle a scheme's records ask for: the finest period of its record kinds (a scheme
    whose records are all yearly, such as B, is reported once a year)."""
    grains = [spec.period for spec in scheme.records.values()] or ["year"]
    return max(grains, key=lambda g: PERIODS_PER_YEAR[g])


def cycle_problem(scheme, cycle: str) -> tuple[str, str] | None:
    """("refuse" | "warn", message) when ``cycle`` does not suit the scheme: periods finer
    than any record (B's yearly records with 12 monthly deadlines) are refused; coarser
    periods (a year of monthly records) are allowed with a word of warning."""
    want = scheme_cycle(scheme)
    if cycle == want or cycle not in CYCLES:
        return None
    if PERIODS_PER_YEAR[cycle] > PERIODS_PER_YEAR[want]:
        return ("refuse", f"方案「{scheme.name}」的记录最细按{CYCLES[want]}填报，填报周期不能是"
                          f"{CYCLES[cycle]}（会有 {period_count(cycle)} 个截止日期却没有对应的记录）；"
                          f"请选「{CYCLES[want]}」")
    return ("warn", f"方案「{scheme.name}」的记录按{CYCLES[want]}填报；填报周期选的是"
                    f"{CYCLES[cycle]}，每个考核期包含 {PERIODS_PER_YEAR[want] // PERIODS_PER_YEAR[cycle]}"
                    f" 个{CYCLES[want]}的记录，只在{CYCLES[cycle]}末评分一次")


def _check_name(organisation: Organisation, year: int, name: str,
                exclude: Assessment | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError("考核名称不能为空", {"name": "考核名称不能为空"})
    same = Assessment.objects.filter(organisation=organisation, year=year, name=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ActionError(f"「{organisation.name}」{year} 年已有名为「{name}」的考核，请换一个名称",
                          {"name": "已有同名的考核"})
    return name


def unit_candidates(organisation: Organisation):
    """Organisations an assessing organisation may assess: its subtree, itself excluded."""
    return organisation.subtree().exclude(pk=organisation.pk).select_related("parent")


def verifier_candidates(organisation: Organisation):
    """Users with an assessor (or admin) role on the organisation, above it or within it."""
    ancestors = [int(x) for x in organisation.path.strip("/").split("/") if x]
    users = Membership.objects.filter(
        Q(organisation__path__startswith=organisation.path) | Q(organisation_id__in=ancestors),
        role__in=[Role.ADMIN, Role.ASSESSOR]).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("username")


def check_scheme(filename: str, source: str):
    try:
        return load_scheme(filename, text=source)
    except SchemeError as exc:
        raise SchemeRefused(exc.problems) from None


def _check_units(organisation: Organisation, scheme, units: Sequence[tuple[Organisation, str]]
                 ) -> list[tuple[Organisation, str]]:
    if not units:
        raise ActionError("请至少选择一个被考核单位", {"units": "请至少选择一个被考核单位"})
    allowed = set(unit_candidates(organisation).values_list("pk", flat=True))
    classes = scheme.model.units.classes
    seen: dict[str, Organisation] = {}
    out = []
    missing: dict[str, str] = {}
    for org, unit_class in units:
        if org.pk not in allowed:
            raise ActionError(f"「{org.name}」不在「{organisation.name}」之下，不能作为被考核单位",
                              {"units": f"「{org.name}」不能作为被考核单位"})
        if org.name in seen:
            raise ActionError(f"被考核单位中有两个「{org.name}」：同一考核中单位名称不得重复"
                              "（引擎按名称区分单位）", {"units": f"单位名称「{org.name}」重复"})
        seen[org.name] = org
        unit_class = (unit_class or "").strip()
        if classes and unit_class not in classes:
            missing[org.name] = f"class_{org.pk}"
        out.append((org, unit_class if classes else ""))
    if missing:
        raise ActionError(f"请为「{'、'.join(missing)}」选择单位类别（{'/'.join(classes)}）",
                          {field: f"须是 {'/'.join(classes)} 之一" for field in missing.values()})
    return out


def _check_deadlines(cycle: str, deadlines: Sequence[dt.date | None]) -> list[dt.date]:
    n = period_count(cycle)
    if len(deadlines) != n:
        raise ActionError(f"须为 {n} 个考核期各填一个截止日期")
    for k, d in enumerate(deadlines, start=1):
        if d is None:
            raise ActionError(f"第 {k} 期的截止日期不能为空", {f"deadline_{k}": "请填写截止日期"})
    return list(deadlines)


def _check_settings(due_soon_days: int, appeal_days: int = 7, answer_days: int = 15,
                    rectify_days: int = 30) -> None:
    if not 0 <= due_soon_days <= MAX_DUE_SOON_DAYS:
        raise ActionError(f"临期提醒天数须在 0—{MAX_DUE_SOON_DAYS} 之间",
                          {"due_soon_days": f"须在 0—{MAX_DUE_SOON_DAYS} 之间"})
    for key, label, days in (("appeal_days", "申诉期限", appeal_days),
                             ("answer_days", "答复期限", answer_days),
                             ("rectify_days", "整改期限", rectify_days)):
        if not 1 <= days <= MAX_APPEAL_DAYS:
            raise ActionError(f"{label}须在 1—{MAX_APPEAL_DAYS} 天之间",
                              {key: f"须在 1—{MAX_APPEAL_DAYS} 之间"})


def _check_verifiers(organisation: Organisation, verifiers: Iterable) -> list:
    verifiers = list(verifiers)
    allowed = set(verifier_candidates(organisation).values_list("pk", flat=True))
    for user in verifiers:
        if user.pk not in allowed:
            raise ActionError(f"「{user.username}」不是本组织的考核管理员，不能担任核查人员",
                              {"verifiers": f"「{user.username}」不能担任核查人员"})
    return verifiers


def snapshot(a: Assessment) -> dict:
    return {
        "name": a.name, "organisation": a.organisation.name, "scheme": a.scheme_id,
        "scheme_file": a.scheme_file, "year": a.year, "cycle": a.cycle,
        "due_soon_days": a.due_soon_days, "public_results": a.public_results,
        "appeal_days": a.appeal_days, "answer_days": a.answer_days,
        "rectify_days": a.rectify_days,
        "units": [[au.organisation.name, au.unit_class]
                  for au in a.units.select_related("organisation")],
        "deadlines": [p.deadline.isoformat() for p in a.periods.order_by("number")],
        "verifiers": sorted(a.verifiers.values_list("username", flat=True)),
    }


@transaction.atomic
def do_create_assessment(actor, *, organisation: Organisation, name: str, scheme_file: str,
                         scheme_source: str, year: int, cycle: str,
                         units: Sequence[tuple[Organisation, str]],
                         deadlines: Sequence[dt.date | None] | None = None,
                         due_soon_days: int = 3, public_results: bool = False,
                         verifiers: Iterable = (), appeal_days: int = 7,
                         answer_days: int = 15, rectify_days: int = 30) -> Assessment:
    """Create an assessment with its units and periods. ``units``: (organisation, class).
    The name is unique within the organisation's year; the cycle may not be finer than the
    scheme's records (``cycle_problem``)."""
    scheme = check_scheme(scheme_file, scheme_source)
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ActionError(f"考核年度须在 {MIN_YEAR}—{MAX_YEAR} 之间", {"year": "年度无效"})
    name = _check_name(organisation, year, name)
    if cycle not in CYCLES:
        raise ActionError("填报周期须是 月/季度/半年/年 之一", {"cycle": "填报周期无效"})
    problem = cycle_problem(scheme, cycle)
    if problem and problem[0] == "refuse":
        raise ActionError(problem[1], {"cycle": f"请选「{CYCLES[scheme_cycle(scheme)]}」"})
    units = _check_units(organisation, scheme, units)
    deadlines = _check_deadlines(cycle, deadlines if deadlines is not None
                                 else default_deadlines(year, cycle))
    _check_settings(due_soon_days, appeal_days, answer_days, rectify_days)
    verifiers = _check_verifiers(organisation, verifiers)
    try:
        with transaction.atomic():  # two people creating the same name at once: one wins
            a = Assessment.objects.create(
                name=name, organisation=organisation, scheme_id=scheme.id,
                scheme_name=scheme.name, scheme_source=scheme_source, scheme_file=scheme_file,
                year=year, cycle=cycle, due_soon_days=due_soon_days,
                public_results=public_results, appeal_days=appeal_days,
                answer_days=answer_days, rectify_days=rectify_days, created_by=actor)
    except IntegrityError:
        _check_name(organisation, year, name)
        raise
    AssessedUnit.objects.bulk_create([AssessedUnit(assessment=a, organisation=o, unit_class=c)
                                      for o, c in units])
    Period.objects.bulk_create([Period(assessment=a, number=k, deadline=d)
                                for k, d in enumerate(deadlines, start=1)])
    a.verifiers.set(verifiers)
    audit(actor, "assessment.create", a, organisation=organisation, after=snapshot(a))
    return a


@transaction.atomic
def do_update_assessment(actor, assessment: Assessment, *, name: str,
                         units: Sequence[tuple[Organisation, str]],
                         deadlines: Sequence[dt.date | None], due_soon_days: int,
                         public_results: bool, verifiers: Iterable, appeal_days: int | None = None,
                         answer_days: int | None = None, rectify_days: int | None = None
                         ) -> Assessment:
    """Change the name, units (and their classes), deadlines, verifiers and reminders, while
    no period is published. A unit with records cannot be taken out."""
    a = Assessment.objects.select_for_update().select_related("organisation").get(pk=assessment.pk)
    if a.periods.filter(state=Period.State.PUBLISHED).exists():
        raise ActionError(LOCKED_MESSAGE)
    name = _check_name(a.organisation, a.year, name, exclude=a)
    units = _check_units(a.organisation, a.scheme, units)
    deadlines = _check_deadlines(a.cycle, deadlines)
    appeal_days = a.appeal_days if appeal_days is None else appeal_days
    answer_days = a.answer_days if answer_days is None else answer_days
    rectify_days = a.rectify_days if rectify_days is None else rectify_days
    _check_settings(due_soon_days, appeal_days, answer_days, rectify_days)
    verifiers = _check_verifiers(a.organisation, verifiers)
    before = snapshot(a)
    keep = {o.pk: c for o, c in units}
    leaving = a.units.exclude(organisation_id__in=list(keep)).select_related("organisation")
    with_records = [au.organisation.name for au in leaving
                    if Record.objects.filter(assessment=a, unit=au.organisation).exists()]
    if with_records:
        raise ActionError(f"{'、'.join(with_records)} 已有记录，不能从考核中移除",
                          {"units": f"{'、'.join(with_records)} 已有记录，不能移除"})
    leaving.delete()
    present = {au.organisation_id: au for au in a.units.all()}
    for org, unit_class in units:
        au = present.get(org.pk)
        if au is None:
            AssessedUnit.objects.create(assessment=a, organisation=org, unit_class=unit_class)
        elif au.unit_class != unit_class:
            au.unit_class = unit_class
            au.save(update_fields=["unit_class"])
    for period in a.periods.all():
        d = deadlines[period.number - 1]
        if period.deadline != d:
            period.deadline = d
            period.save(update_fields=["deadline"])
    a.name, a.due_soon_days, a.public_results = name, due_soon_days, public_results
    a.appeal_days, a.answer_days, a.rectify_days = appeal_days, answer_days, rectify_days
    a.save(update_fields=["name", "due_soon_days", "public_results", "appeal_days",
                          "answer_days", "rectify_days"])
    a.verifiers.set(verifiers)
    after = snapshot(a)
    if after != before:
        audit(actor, "assessment.update", a, organisation=a.organisation, before=before,
              after=after)
    return a


# ------------------------------------------------------------------ settings without YAML


def setting_rows(assessment: Assessment) -> list:
    """The values the assessment's scheme marks as settings (``engine.editable``)."""
    return editable_values(assessment.scheme_source, assessment.scheme_file)


@transaction.atomic
def do_change_settings(actor, assessment: Assessment, values: dict[str, str]) -> Assessment:
    """Change the scheme's settings (grade bands, points, decimals, score scales, deadline
    days …) from a form: ``values`` maps a setting's key to the number typed. The changed
    scheme is checked by the engine as a whole like an uploaded one; refused once a period
    is published. The audit row keeps each changed setting before and after."""
    a = Assessment.objects.select_for_update().select_related("organisation").get(pk=assessment.pk)
    if a.periods.filter(state=Period.State.PUBLISHED).exists():
        raise ActionError(LOCKED_MESSAGE)
    slots = {e.key: e for e in setting_rows(a)}
    changes: dict[str, float] = {}
    errors: dict[str, str] = {}
    for key, raw in values.items():
        e = slots.get(key)
        if e is None:
            continue
        text = str(raw).strip()
        try:
            number = float(text)
        except ValueError:
            errors[key] = "请填写数字" if text else "不能为空"
            continue
        if number != e.value:
            changes[key] = number
    if errors:
        raise ActionError("有 " + str(len(errors)) + " 项不是数字，未保存", errors)
    if not changes:
        raise ActionError("没有修改任何设置")
    text = with_values(a.scheme_source, changes, a.scheme_file)
    check_scheme(a.scheme_file, text)      # the engine's every check; SchemeRefused
    before = {slots[k].label: slots[k].value for k in changes}
    a.scheme_source = text
    a.save(update_fields=["scheme_source"])
    after = {slots[k].label: int(v) if float(v).is_integer() else v for k, v in changes.items()}
    audit(actor, "assessment.settings", a, organisation=a.organisation, before=before,
          after=after)
    return a
