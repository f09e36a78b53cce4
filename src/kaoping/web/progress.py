"""Reporting progress (填报进度): which unit has reported what in a period, and what is late.

Read-only questions, shared by the progress board, the reporter's home page and the
reminders. Every function takes ``today`` so that a test (or a cron run) fixes the date.

The board's columns are what the units report against:

- every item of the scheme, when a record kind the units enter has an ``item`` field
  (the reporter picks the item), plus the items fixed on unit kinds (``item: …``);
- each unit-entered record kind that names no item, as a column of its own.

A cell is **done** when a submitted or accepted record of the unit exists for it in the
period; otherwise it is **overdue** once the period's deadline has passed, **due soon**
within ``assessment.due_soon_days`` days of it (the deadline day included), **open** before.
Drafts and returned records are not done: the reporter still has to act.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.urls import NoReverseMatch, reverse

from .access import reporter_units
from .models import AssessedUnit, Assessment, Organisation, Period, Record

DONE_STATUSES = (Record.Status.SUBMITTED, Record.Status.ACCEPTED)


class State:
    DONE = "done"
    SOON = "soon"
    OVERDUE = "overdue"
    OPEN = "open"

    LABELS = {DONE: "已完成", SOON: "临近截止", OVERDUE: "已逾期", OPEN: "填报中"}
    #: the order a reporter should act in
    URGENCY = {OVERDUE: 0, SOON: 1, OPEN: 2, DONE: 3}


@dataclass(frozen=True)
class Column:
    """One column of the board: an item (``key`` "item:<index>") or a record kind
    ("kind:<name>"), with the unit-entered kinds that report against it."""

    key: str
    label: str
    kinds: tuple[str, ...]
    #: the column header (an item's code, when it has one)
    short: str = ""


def columns(scheme) -> list[Column]:
    """What the units of ``scheme`` report against, in the scheme's order."""
    unit_kinds = {name: spec for name, spec in scheme.records.items()
                  if spec.entered_by == "unit"}
    pick_item = [k for k in unit_kinds if scheme.item_field(k) is not None]
    fixed: dict[int, list[str]] = defaultdict(list)
    for name, spec in unit_kinds.items():
        if spec.item:
            info = scheme.item_by_key(spec.item)
            if info is not None:
                fixed[info.index].append(name)
    cols = [Column(f"item:{it.index}", it.label, tuple(pick_item + fixed.get(it.index, [])),
                   it.spec.code or it.name)
            for it in scheme.items if pick_item or it.index in fixed]
    cols += [Column(f"kind:{name}", name, (name,), name) for name, spec in unit_kinds.items()
             if not spec.item and scheme.item_field(name) is None]
    return cols


def column_of(scheme, kind: str, data: dict) -> str | None:
    """The board column a record counts for (None: a kind units do not enter, or an item
    the record does not name)."""
    spec = scheme.records.get(kind)
    if spec is None or spec.entered_by != "unit":
        return None
    if spec.item:
        info = scheme.item_by_key(spec.item)
        return f"item:{info.index}" if info else None
    item_field = scheme.item_field(kind)
    if item_field is not None:
        value = (data or {}).get(item_field.name)
        info = scheme.item_by_key(value) if value not in (None, "") else None
        return f"item:{info.index}" if info else None
    return f"kind:{kind}"


def deadline_state(deadline: date, today: date, due_soon_days: int) -> str:
    """The state of a cell that is not done."""
    days_left = (deadline - today).days
    if days_left < 0:
        return State.OVERDUE
    if days_left <= due_soon_days:
        return State.SOON
    return State.OPEN


def done_cells(period: Period, scheme, unit_ids: Iterable[int] | None = None
               ) -> set[tuple[int, str]]:
    """(unit id, column key) of every cell with a submitted or accepted record."""
    records = Record.objects.filter(period=period, status__in=DONE_STATUSES)
    if unit_ids is not None:
        records = records.filter(unit_id__in=list(unit_ids))
    done = set()
    for unit_id, kind, data in records.values_list("unit_id", "kind", "data"):
        key = column_of(scheme, kind, data)
        if key is not None:
            done.add((unit_id, key))
    return done


# --------------------------------------------------------------------------- the board


@dataclass
class UnitRow:
    unit: Organisation
    cells: list[str]  # one state per column
    counts: dict[str, int] = field(default_factory=dict)
    #: (state, column) pairs, for the template
    pairs: list[tuple[str, Column]] = field(default_factory=list)
    #: the unit's reporting page for the period
    url: str = ""


@dataclass
class Board:
    assessment: Assessment
    period: Period
    today: date
    columns: list[Column]
    rows: list[UnitRow]
    totals: dict[str, int]
    #: per column, how many units are done
    column_done: list[int]
    days_left: int

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.columns)

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def _counts(states: Iterable[str]) -> dict[str, int]:
    counts = {State.DONE: 0, State.SOON: 0, State.OVERDUE: 0, State.OPEN: 0}
    for s in states:
        counts[s] += 1
    return counts


def board(assessment: Assessment, period: Period, today: date) -> Board:
    """Every assessed unit × column of ``period``, each cell with its state."""
    cols = columns(assessment.scheme)
    units = [au.organisation for au in
             AssessedUnit.objects.filter(assessment=assessment).select_related("organisation")]
    done = done_cells(period, assessment.scheme)
    pending = deadline_state(period.deadline, today, assessment.due_soon_days)
    rows = []
    for unit in units:
        cells = [State.DONE if (unit.pk, c.key) in done else pending for c in cols]
        rows.append(UnitRow(unit, cells, _counts(cells), list(zip(cells, cols, strict=True)),
                            report_url(assessment, period, unit)))
    totals = _counts(s for r in rows for s in r.cells)
    column_done = [sum(1 for r in rows if r.cells[j] == State.DONE) for j in range(len(cols))]
    return Board(assessment, period, today, cols, rows, totals, column_done,
                 (period.deadline - today).days)


def default_period(assessment: Assessment) -> Period | None:
    """The board opens on the earliest open period (the most urgent), else the last one."""
    periods = list(assessment.periods.all())
    open_ = [p for p in periods if p.state == Period.State.OPEN]
    if open_:
        return open_[0]
    return periods[-1] if periods else None


# --------------------------------------------------------------------------- outstanding work


def outstanding(period: Period, today: date, unit_ids: Iterable[int] | None = None
                ) -> dict[int, list[tuple[Column, str]]]:
    """unit id → the columns it has not done in ``period``, with their state."""
    assessment = period.assessment
    cols = columns(assessment.scheme)
    units = AssessedUnit.objects.filter(assessment=assessment)
    if unit_ids is not None:
        units = units.filter(organisation_id__in=list(unit_ids))
    unit_list = list(units.values_list("organisation_id", flat=True))
    done = done_cells(period, assessment.scheme, unit_list)
    state = deadline_state(period.deadline, today, assessment.due_soon_days)
    result = {}
    for unit_id in unit_list:
        missing = [(c, state) for c in cols if (unit_id, c.key) not in done]
        if missing:
            result[unit_id] = missing
    return result


def _try_reverse(candidates) -> str | None:
    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def report_url(assessment: Assessment, period: Period, unit: Organisation) -> str:
    """Where a reporter fills the period in: the reporting page of the period, filtered to the
    unit; else the assessment's page; else home. The names belong to other areas, so reverse()
    decides, and a missing page never breaks the board or the home page."""
    url = _try_reverse([("report_period", {"assessment_id": assessment.pk,
                                           "number": period.number})])
    if url:
        return f"{url}?unit={unit.pk}"
    return (_try_reverse([("assessment_detail", {"assessment_id": assessment.pk})])
            or reverse("home"))


@dataclass(frozen=True)
class ReporterItem:
    assessment: Assessment
    period: Period
    unit: Organisation
    column: Column
    state: str
    days_left: int
    url: str

    @property
    def state_label(self) -> str:
        return State.LABELS[self.state]


def reporter_todo(user, today: date) -> list[ReporterItem]:
    """What the reporter's own units still have to report: overdue first (oldest deadline
    first), then due soon, then the open items of each assessment's current period."""
    unit_ids = reporter_units(user)
    if not unit_ids:
        return []
    assessed = (AssessedUnit.objects.filter(organisation_id__in=unit_ids)
                .select_related("organisation", "assessment__organisation"))
    by_assessment: dict[int, tuple[Assessment, list[Organisation]]] = {}
    for au in assessed:
        by_assessment.setdefault(au.assessment_id, (au.assessment, []))[1].append(au.organisation)
    items: list[ReporterItem] = []
    for assessment, units in by_assessment.values():
        periods = list(Period.objects.filter(assessment=assessment, state=Period.State.OPEN)
                       .order_by("deadline", "number"))
        # the open items are shown for the current period only, not for months ahead
        current = next((p for p in periods if p.deadline >= today), None)
        for period in periods:
            period.assessment = assessment  # one scheme parse per assessment
            missing = outstanding(period, today, [u.pk for u in units])
            for unit in units:
                for column, state in missing.get(unit.pk, []):
                    if state == State.OPEN and period != current:
                        continue
                    items.append(ReporterItem(assessment, period, unit, column, state,
                                              (period.deadline - today).days,
                                              report_url(assessment, period, unit)))
    items.sort(key=lambda i: (State.URGENCY[i.state], i.period.deadline, i.assessment.pk,
                              i.period.number, i.unit.path))
    return items


@dataclass(frozen=True)
class TodoRow:
    """The reporter's items of one period and state, shown as one line: a month that has
    not been reported at all is one overdue line listing its items, not fifteen lines."""

    first: ReporterItem
    columns: tuple[Column, ...]

    def __getattr__(self, name):  # state, assessment, period, unit, days_left, url …
        return getattr(self.first, name)


def todo_rows(items: list[ReporterItem]) -> list[TodoRow]:
    """Consecutive items (``reporter_todo``'s order) of the same state, assessment, period
    and unit, grouped."""
    rows: list[TodoRow] = []
    for item in items:
        key = (item.state, item.assessment.pk, item.period.pk, item.unit.pk)
        last = rows[-1] if rows else None
        if last is not None and (last.state, last.assessment.pk, last.period.pk,
                                 last.unit.pk) == key:
            rows[-1] = TodoRow(last.first, (*last.columns, item.column))
        else:
            rows.append(TodoRow(item, (item.column,)))
    return rows

