"""Turning stored documents into what pages show: a record in one line, a ranking's rows
from a results document, an explanation document back into the engine's objects (the page
itself is ``services.explanation``)."""

from __future__ import annotations

from collections.abc import Callable

from ...engine import Explanation, Node, RecordLine, Scheme
from ...engine.explain import period_label
from ..models import Record


def record_period_label(scheme: Scheme, record: Record) -> str:
    spec = scheme.records.get(record.kind)
    if spec is None or spec.period == "year" or record.scheme_period is None:
        return "全年"
    return period_label(spec.period, record.scheme_period - 1)


def show_value(v) -> str:
    if v is None or v == "":
        return ""
    if v is True:
        return "是"
    if v is False:
        return "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def record_summary(scheme: Scheme, record: Record, limit: int = 3) -> str:
    """The first few filled fields: enough to tell records apart in a list."""
    spec = scheme.records.get(record.kind)
    names = [f.name for f in spec.fields] if spec else list(record.data)
    parts = [f"{n} {show_value(record.data.get(n))}" for n in names
             if show_value(record.data.get(n))]
    return "，".join(parts[:limit])


def fmt_score(x, places: int) -> str:
    return "—" if x is None else f"{x:.{places}f}"


def ranking_rows(run, units, *,
                 explain_url: Callable[[int], str | None] | None = None,
                 flags_for: Callable[[str], bool] = lambda unit: True) -> tuple[list[str], list[dict]]:
    """(component labels, one row per unit) from a run and some of its ``UnitResult`` rows
    (a page of them, in ranking order)."""
    places = run.rounding
    labels = run.components
    rows = []
    for u in units:
        org = u.unit_id
        rows.append({
            "rank": u.rank, "unit": u.name, "org": org, "class": u.unit_class or None,
            "score": fmt_score(u.score, places), "grade": u.grade,
            "components": [fmt_score(v, places) for v in u.components[:len(labels)]],
            "flags": list(u.flags) if flags_for(u.name) else None,
            "url": explain_url(org) if explain_url and org else None,
        })
    return labels, rows


def _node(d: dict) -> Node:
    return Node(d["label"], d.get("value"), d.get("rule", ""),
                [_node(c) for c in d.get("children", [])],
                [RecordLine(r["place"], r["record"], r.get("value"), r.get("rule", ""),
                            r.get("counted", True)) for r in d.get("records", [])],
                d.get("words", ""))


def explanation_from_dict(d: dict) -> Explanation:
    return Explanation(d["unit"], list(d.get("summary", [])), _node(d["score"]),
                       [_node(a) for a in d.get("apart", [])])
