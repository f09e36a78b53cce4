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

A column whose kinds are all ``expected: when_applicable`` (an appeal, an innovation bonus:
reported only when something happened) is **optional**: a record there shows as done, and
no record is never missing, overdue or reminded of.

A period's board has only the columns that belong in it (:func:`period_columns`): an item or
kind the scheme records in some periods only (``recorded_in``, e.g. scheme A's 书记履职尽责情况
in a quarter's last month) is not expected, shown or reminded of in the others — the engine
refuses a record there, with the same periods (``Scheme.periods_for``). An item that no
unit-entered kind may hold (``record_kinds``, e.g. A's deductions row 扣分因素) has no column.

The board of a province-sized assessment is one page of units at a time: the units are
filtered (state, name, organisation subtree) and counted in the database — each unit's
number of done required columns is one correlated subquery, the summary is one aggregate —
and only the page's units are turned into rows here. A record's column is worked out in SQL
too (:func:`column_expression`), the same way :func:`column_of` does in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.urls import NoReverseMatch, reverse

from .access import reporter_units
from .models import AssessedUnit, Assessment, Organisation, Period, Record
from .recordcheck import kind_periods, record_kinds

DONE_STATUSES = (Record.Status.SUBMITTED, Record.Status.ACCEPTED)
#: units per page of the board
PAGE_SIZE = 50


class State:
    DONE = "done"
    SOON = "soon"
    OVERDUE = "overdue"
    OPEN = "open"
    #: an optional (``when_applicable``) cell without a record: nothing is missing
    OPTIONAL = "optional"

    LABELS = {DONE: "已完成", SOON: "临近截止", OVERDUE: "已逾期", OPEN: "填报中",
              OPTIONAL: "有则填报"}
    #: the order a reporter should act in
    URGENCY = {OVERDUE: 0, SOON: 1, OPEN: 2, DONE: 3, OPTIONAL: 4}
    #: the states a unit can be filtered by on the board ("" = all)
    FILTERS = (OVERDUE, SOON, OPEN, DONE)


@dataclass(frozen=True)
class Column:
    """One column of the board: an item (``key`` "item:<index>") or a record kind
    ("kind:<name>"), with the unit-entered kinds that report against it."""

    key: str
    label: str
    kinds: tuple[str, ...]
    #: the column header (an item's code, when it has one)
    short: str = ""
    #: every kind of the column is reported only when something happened
    #: (``expected: when_applicable``): never missing, never overdue
    optional: bool = False


def is_optional(scheme, kind: str) -> bool:
    """Whether ``kind`` is reported only when something happened (not expected every period)."""
    spec = scheme.records.get(kind)
    return spec is not None and spec.expected == "when_applicable"


def columns(scheme) -> list[Column]:
    """What the units of ``scheme`` report against, in the scheme's order."""
    unit_kinds = {name: scheme.records[name] for name in record_kinds(scheme, assessor=False)}
    pick_item = [k for k in unit_kinds if scheme.item_field(k) is not None]
    fixed: dict[int, list[str]] = defaultdict(list)
    for name, spec in unit_kinds.items():
        if spec.item:
            info = scheme.item_by_key(spec.item)
            if info is not None:
                fixed[info.index].append(name)

    def column(key: str, label: str, kinds: tuple[str, ...], short: str) -> Column:
        return Column(key, label, kinds, short, all(is_optional(scheme, k) for k in kinds))

    cols = []
    for it in scheme.items:
        kinds = tuple([k for k in pick_item if scheme.item_allows(it.index, k)]
                      + fixed.get(it.index, []))
        if kinds:  # an item no unit-entered kind may hold (e.g. a deductions row): no column
            cols.append(column(f"item:{it.index}", it.label, kinds, it.spec.code or it.name))
    cols += [column(f"kind:{name}", name, (name,), name) for name, spec in unit_kinds.items()
             if not spec.item and scheme.item_field(name) is None]
    return cols


def belongs_in(assessment: Assessment, period: Period, column: Column) -> bool:
    """Whether ``column`` is expected in ``period``: some kind of it may hold a record (of the
    column's item) in one of the kind's periods that fall in ``period`` (``recorded_in``)."""
    scheme = assessment.scheme
    item = int(column.key.split(":", 1)[1]) if column.key.startswith("item:") else None
    for kind in column.kinds:
        allowed = scheme.periods_for(kind, item)
        if allowed is None:
            return True
        if any(number in allowed for number, _ in kind_periods(assessment, period, kind)):
            return True
    return False


def period_columns(assessment: Assessment, period: Period) -> list[Column]:
    """The columns of ``period``'s board: those that belong in it (:func:`belongs_in`)."""
    return [c for c in columns(assessment.scheme) if belongs_in(assessment, period, c)]


def column_of(scheme, kind: str, data: dict) -> str | None:
    """The board column a record counts for (None: a kind units do not enter, or an item
    the record does not name)."""
    spec = scheme.records.get(kind)
    if spec is None or kind not in record_kinds(scheme, assessor=False):
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


def column_expression(scheme) -> tuple[dict, Case]:
    """:func:`column_of` as SQL: (aliases, expression) to put on a ``Record`` queryset —
    ``qs.alias(**aliases).annotate(col=expression)`` — giving each record its column key, or
    NULL when it counts for none. An item a record picks is matched by name, code or
    "code name", as :meth:`Scheme.item_by_key` matches it (stored items are the engine's
    names, so the exact text is enough)."""
    aliases: dict[str, Cast] = {}
    alias_of: dict[str, str] = {}  # item field name → its alias (kinds may share a field name)
    whens: list[When] = []
    for name in record_kinds(scheme, assessor=False):
        spec = scheme.records[name]
        if spec.item:
            info = scheme.item_by_key(spec.item)
            if info is not None:
                whens.append(When(kind=name, then=Value(f"item:{info.index}")))
            continue
        item_field = scheme.item_field(name)
        if item_field is None:
            whens.append(When(kind=name, then=Value(f"kind:{name}")))
            continue
        alias = alias_of.get(item_field.name)
        if alias is None:
            alias = alias_of[item_field.name] = f"_progress_item{len(alias_of)}"
            # the stored item as text (a number stored as a number compares as its text)
            aliases[alias] = Cast(KeyTextTransform(item_field.name, "data"),
                                  output_field=TextField())
        for it in scheme.items:
            keys = sorted({k for k in (it.name, it.spec.code, it.label)
                           if k and getattr(scheme.item_by_key(k), "index", None) == it.index})
            whens.append(When(Q(kind=name) & Q(**{f"{alias}__in": keys}),
                              then=Value(f"item:{it.index}")))
    return aliases, Case(*whens, default=Value(None), output_field=CharField())


def done_records(period: Period, scheme) -> QuerySet:
    """The period's submitted and accepted records, each with its board column as ``col``
    (only those that count for a column)."""
    aliases, expression = column_expression(scheme)
    return (Record.objects.filter(period=period, status__in=DONE_STATUSES)
            .alias(**aliases).annotate(col=expression).filter(col__isnull=False))


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
    #: the rows of the current page
    rows: list[UnitRow]
    #: required cells by state, over every unit the name and subtree filters select
    totals: dict[str, int]
    #: per column, how many of the listed units (every page) are done
    column_done: list[int]
    days_left: int
    #: units by state ("all" and each of ``State.FILTERS``), name and subtree filters applied
    unit_counts: dict[str, int] = field(default_factory=dict)
    #: required cells (units × required columns) the totals count
    cells: int = 0
    page: Page | None = None
    #: the state every unit not done is in (the period's deadline decides)
    pending: str = State.OPEN

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def required_columns(self) -> int:
        return sum(1 for c in self.columns if not c.optional)


def _counts(states: Iterable[str]) -> dict[str, int]:
    """How many of the (required) cells are in each state."""
    counts = {State.DONE: 0, State.SOON: 0, State.OVERDUE: 0, State.OPEN: 0}
    for s in states:
        counts[s] += 1
    return counts


def board_units(assessment: Assessment, period: Period, cols: list[Column], *, query: str = "",
                within: Organisation | None = None) -> QuerySet:
    """The assessed units (name and subtree filters applied), each annotated with ``done``:
    how many required columns it has done in ``period`` (one correlated subquery)."""
    required = [c.key for c in cols if not c.optional]
    per_unit = (done_records(period, assessment.scheme)
                .filter(unit=OuterRef("organisation_id"), col__in=required)
                .order_by().values("unit").annotate(n=Count("col", distinct=True)).values("n"))
    units = AssessedUnit.objects.filter(assessment=assessment)
    if query:
        units = units.filter(organisation__name__icontains=query)
    if within is not None:
        units = units.filter(organisation__path__startswith=within.path)
    return units.annotate(done=Coalesce(Subquery(per_unit, output_field=IntegerField()), 0))


def board(assessment: Assessment, period: Period, today: date, *, state: str = "",
          query: str = "", within: Organisation | None = None, page: int | str | None = 1,
          per_page: int = PAGE_SIZE) -> Board:
    """One page of assessed units × columns of ``period``, each cell with its state.

    ``state`` lists only the units in that state (done: every required column done; the
    others: not done, in the state the period's deadline gives); ``query`` searches unit
    names; ``within`` keeps the units under an organisation. The counts are the database's.
    """
    cols = period_columns(assessment, period)
    n_required = sum(1 for c in cols if not c.optional)
    pending = deadline_state(period.deadline, today, assessment.due_soon_days)
    units = board_units(assessment, period, cols, query=query, within=within)
    summary = units.aggregate(units=Count("pk"),
                              done_units=Count("pk", filter=Q(done__gte=n_required)),
                              done_cells=Sum("done"))
    total, done_units = summary["units"], summary["done_units"]
    done_cells_ = summary["done_cells"] or 0
    unit_counts = {"all": total, **{s: 0 for s in State.FILTERS}}
    unit_counts[State.DONE] = done_units
    unit_counts[pending] += total - done_units
    totals = {State.DONE: 0, State.SOON: 0, State.OVERDUE: 0, State.OPEN: 0}
    totals[State.DONE] = done_cells_
    totals[pending] += total * n_required - done_cells_

    listed = units
    if state == State.DONE:
        listed = units.filter(done__gte=n_required)
    elif state in State.FILTERS:
        listed = units.filter(done__lt=n_required) if state == pending else units.none()
    listed = listed.select_related("organisation").order_by("organisation__path", "pk")
    page_obj = Paginator(listed, per_page).get_page(page)
    page_units = [au.organisation for au in page_obj]

    done = set(done_records(period, assessment.scheme)
               .filter(unit_id__in=[u.pk for u in page_units])
               .values_list("unit_id", "col").distinct())
    rows = []
    for unit in page_units:
        cells = [State.DONE if (unit.pk, c.key) in done
                 else State.OPTIONAL if c.optional else pending for c in cols]
        required = (s for s, c in zip(cells, cols, strict=True) if not c.optional)
        rows.append(UnitRow(unit, cells, _counts(required), list(zip(cells, cols, strict=True)),
                            report_url(assessment, period, unit)))

    per_column = dict(done_records(period, assessment.scheme)
                      .filter(unit_id__in=listed.values("organisation_id"))
                      .order_by().values("col").annotate(n=Count("unit", distinct=True))
                      .values_list("col", "n"))
    column_done = [per_column.get(c.key, 0) for c in cols]
    return Board(assessment, period, today, cols, rows, totals, column_done,
                 (period.deadline - today).days, unit_counts, total * n_required, page_obj,
                 pending)


def default_period(assessment: Assessment, periods: list[Period] | None = None) -> Period | None:
    """The board opens on the earliest open period (the most urgent), else the last one."""
    periods = list(assessment.periods.all()) if periods is None else periods
    open_ = [p for p in periods if p.state == Period.State.OPEN]
    if open_:
        return open_[0]
    return periods[-1] if periods else None


# --------------------------------------------------------------------------- outstanding work


def outstanding(period: Period, today: date, unit_ids: Iterable[int] | None = None
                ) -> dict[int, list[tuple[Column, str]]]:
    """unit id → the required columns it has not done in ``period``, with their state
    (optional columns are never outstanding)."""
    assessment = period.assessment
    cols = [c for c in period_columns(assessment, period) if not c.optional]
    units = AssessedUnit.objects.filter(assessment=assessment)
    records = done_records(period, assessment.scheme)
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        units = units.filter(organisation_id__in=unit_ids)
        records = records.filter(unit_id__in=unit_ids)
    unit_list = list(units.values_list("organisation_id", flat=True))
    done = set(records.values_list("unit_id", "col").distinct()) if cols else set()
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


def returned_records(user):
    """The records returned (退回) to the reporter's units in open periods, oldest deadline
    first: they come before everything else on a to-do list, with the reason, until the
    unit resubmits them."""
    return (Record.objects.filter(unit_id__in=reporter_units(user), status=Record.Status.RETURNED,
                                  period__state=Period.State.OPEN)
            .select_related("assessment", "period", "unit").order_by("period__deadline", "pk"))


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

