"""The engine's input built from the database, and its evaluation.

``dataset_for(assessment, period)`` reads the assessed units and the records that count —
submitted or accepted, of the assessment's periods up to ``period`` — into the engine's
raw tables, exactly as the JSON input format has them (one table per record kind, an empty
one when there are none), and lets the engine check and convert them. Every place the
engine names in a problem or an explanation is the record itself::

    记录#123 · 一支部 · 时间任务（完成日期）

so that a problem can be linked to the record page (``RECORD_PLACE`` finds the id).
``score(assessment, period)`` evaluates with the history of earlier years' published
results of the same scheme and assessing organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone

from ...engine import (
    Dataset,
    InputError,
    PastYear,
    Problem,
    RawTable,
    Result,
    build_dataset,
    evaluate,
)
from ...engine.model import CLASS_COLUMN, GROUP_COLUMN, PERIOD_COLUMN, UNIT_COLUMN
from ..models import Appeal, AssessedUnit, Assessment, Period, Publication, Record, UnitResult

#: the statuses whose records are scored (drafts and returned records are not)
SCORED = (Record.Status.SUBMITTED, Record.Status.ACCEPTED)
#: finds the record id in a place or a problem: "记录#123 · …"
RECORD_PLACE = re.compile(r"记录#(\d+)")
UNITS_TABLE = "被考核单位"


def record_place(record: Record, unit_name: str | None = None) -> str:
    return f"记录#{record.pk} · {unit_name or record.unit.name} · {record.kind}"


@dataclass
class Outcome:
    """A scoring: the engine's ``result``, or every input ``problem`` when there is none."""

    result: Result | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None


def scored_records(assessment: Assessment, period: Period):
    return (Record.objects.filter(assessment=assessment, status__in=SCORED,
                                  period__number__lte=period.number)
            .select_related("unit").order_by("kind", "unit__path", "id"))


def _units_table(assessment: Assessment) -> RawTable:
    units = (AssessedUnit.objects.filter(assessment=assessment)
             .select_related("organisation__parent").order_by("organisation__path"))
    rows = [{UNIT_COLUMN: u.organisation.name, CLASS_COLUMN: u.unit_class or None,
             GROUP_COLUMN: u.organisation.parent.name if u.organisation.parent else None}
            for u in units]
    names = [r[UNIT_COLUMN] for r in rows]
    table = RawTable.from_dicts(UNITS_TABLE, rows)
    table.columns = [UNIT_COLUMN, CLASS_COLUMN, GROUP_COLUMN]
    table.rows = [[r[c] for c in table.columns] for r in rows]

    def locate(i: int, col: str | None) -> str:
        where = UNITS_TABLE if i < 0 else f"{UNITS_TABLE} · {names[i]}"
        return where + (f"（{col}）" if col else "")

    table.locate = locate
    return table


def _record_tables(assessment: Assessment, period: Period) -> dict[str, RawTable]:
    scheme = assessment.scheme
    by_kind: dict[str, list[Record]] = {kind: [] for kind in scheme.records}
    stray: dict[str, list[Record]] = {}
    for r in scored_records(assessment, period):
        (by_kind[r.kind] if r.kind in by_kind else stray.setdefault(r.kind, [])).append(r)
    tables = {}
    for kind, records in by_kind.items():
        spec = scheme.records[kind]
        columns = scheme.columns_of(kind)
        auto = {f.name for f in spec.fields if f.auto == "submitted_on"}
        rows = []
        for r in records:
            row = {UNIT_COLUMN: r.unit.name}
            if spec.period != "year":
                row[PERIOD_COLUMN[spec.period]] = r.scheme_period
            for f in spec.fields:
                value = r.data.get(f.name)
                if f.name in auto and value in (None, "") and r.submitted_at:
                    # filled by the application on submission when the form did not
                    value = timezone.localdate(r.submitted_at).isoformat()
                row[f.name] = value
            rows.append(row)
        places = [record_place(r) for r in records]
        if spec.appeal is not None:  # the web's appeals are this kind's records too
            appeals = _appeal_rows(spec, Appeal.objects.filter(
                assessment=assessment, period__number__lte=period.number)
                .select_related("unit", "period__assessment").order_by("unit__path", "pk"))
            rows += [row for row, _ in appeals]
            places += [place for _, place in appeals]
        tables[kind] = _table(kind, columns, rows, places)
    for kind, records in stray.items():  # a kind the scheme does not have: the engine says so
        tables[kind] = _table(kind, [UNIT_COLUMN], [{UNIT_COLUMN: r.unit.name} for r in records],
                              [record_place(r) for r in records])
    return tables


def _appeal_rows(spec, appeals) -> list[tuple[dict, str]]:
    """Appeals filed on the web as rows of the scheme's appeal register (``appeal`` key), so
    that results and explanations show them as they show a file's 申诉 records."""
    a = spec.appeal
    out = []
    for ap in appeals:
        row = {UNIT_COLUMN: ap.unit.name, a.claim: ap.claim}
        if spec.period != "year":
            row[PERIOD_COLUMN[spec.period]] = ap.period.number
        if a.filed:
            row[a.filed] = timezone.localdate(ap.filed_at).isoformat()
        if ap.answered:
            if a.answer:
                row[a.answer] = ap.answer
            if a.answered:
                row[a.answered] = timezone.localdate(ap.answered_at).isoformat()
            if a.outcome:
                row[a.outcome.field] = (a.outcome.upheld if ap.state == Appeal.State.UPHELD
                                        else a.outcome.rejected)
        out.append((row, f"申诉#{ap.pk} · {ap.unit.name} · {ap.period.label}"))
    return out


def _table(kind: str, columns: list[str], rows: list[dict], places: list[str]) -> RawTable:
    table = RawTable.from_dicts(kind, rows)
    table.columns = columns
    table.rows = [[row.get(c) for c in columns] for row in rows]

    def locate(i: int, col: str | None) -> str:
        where = f"{kind}" if i < 0 else places[i]
        return where + (f"（{col}）" if col else "")

    table.locate = locate
    return table


def _quiet(stage: str, percent: int) -> None:
    pass


def dataset_for(assessment: Assessment, period: Period, progress=_quiet) -> Dataset:
    """The engine's checked input for ``assessment`` up to ``period``; raises ``InputError``.
    ``progress(stage, percent)`` is told when reading ends and checking begins."""
    units = _units_table(assessment)
    tables = _record_tables(assessment, period)
    progress("检查记录", 35)
    return build_dataset(assessment.scheme, units, tables, assessment.year)


def history_for(assessment: Assessment) -> dict[int, PastYear]:
    """Earlier years' results of the same scheme by the same assessing organisation: each
    year's latest published revision of its latest published period."""
    history: dict[int, PastYear] = {}
    earlier = (Publication.objects
               .filter(assessment__organisation=assessment.organisation,
                       assessment__scheme_id=assessment.scheme_id,
                       assessment__year__lt=assessment.year)
               .order_by("assessment__year", "assessment__created_at", "period__number",
                         "revision"))
    latest = {}
    for year, run in earlier.values_list("assessment__year", "scoring_run"):
        latest[year] = run  # later ones overwrite earlier ones of the same year
    for year, run in latest.items():
        units = (UnitResult.objects.filter(run=run)
                 .values("name", "score", "score_exact", "rank", "bottom", "grade"))
        history[year] = PastYear.from_dict({"year": year, "units": [
            {"unit": u["name"], "score": u["score"], "score_exact": u["score_exact"],
             "rank": u["rank"], "bottom": u["bottom"], "grade": u["grade"] or None}
            for u in units]})
    return history


def score(assessment: Assessment, period: Period, progress=_quiet) -> Outcome:
    """Evaluate the assessment up to ``period``: the result, or every input problem.
    ``progress(stage, percent)`` is told as each step begins."""
    progress("读取记录", 10)
    try:
        data = dataset_for(assessment, period, progress)
    except InputError as exc:
        return Outcome(None, exc.problems)
    progress("计算得分", 60)
    return Outcome(evaluate(assessment.scheme, data, history=history_for(assessment)))


__all__ = ["Outcome", "RECORD_PLACE", "SCORED", "dataset_for", "history_for", "record_place",
           "score", "scored_records"]
