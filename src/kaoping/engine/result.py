"""The outcome of an evaluation: scores, ranks, grades and flags per unit, plus history.

Ranks are competition ranks (ties share the better rank); a unit's place from the bottom
counts the units scoring ≤ it (SCHEMES.md, decision 1). Grades and flags compare exact
values, never the rounded ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from .arrays import exact, positions, to_decimal
from .dataset import Dataset
from .evaluate import Evaluation
from .model import Condition, Grading
from .scheme import Scheme


@dataclass(frozen=True)
class PastUnit:
    """What a previous year's results say of one unit (enough to test running conditions)."""

    score: float | None
    rank: int | None
    bottom: int | None
    grade: str | None = None


@dataclass
class PastYear:
    year: int
    units: dict[str, PastUnit]

    @classmethod
    def from_dict(cls, doc: dict) -> PastYear:
        """Read the results document that ``Result.to_dict`` writes (a previous year's)."""
        units = {}
        for u in doc["units"]:
            score = u.get("score_exact", u.get("score"))
            units[u["unit"]] = PastUnit(None if score is None else float(score), u.get("rank"),
                                        u.get("bottom"), u.get("grade"))
        return cls(int(doc["year"]), units)

    def lowest(self) -> float:
        scores = [u.score for u in self.units.values() if u.score is not None]
        return float(exact(min(scores))) if scores else float("nan")

    def mean(self) -> float:
        scores = [u.score for u in self.units.values() if u.score is not None]
        return float(exact(np.mean(scores))) if scores else float("nan")


History = dict[int, PastYear]


@dataclass
class UnitResult:
    """One unit's line of the results, ready to show."""

    unit: str
    unit_class: str | None
    group: str | None
    score: Decimal | None
    rank: int | None
    rank_in_class: int | None
    rank_in_group: int | None
    bottom: int | None
    grade: str | None
    flags: list[str]
    components: dict[str, Decimal | None]
    apart: dict[str, Decimal | None]


@dataclass
class Result:
    """Everything an evaluation produced; ``unit_result`` and ``explain`` read it."""

    scheme: Scheme
    data: Dataset
    evaluation: Evaluation
    score: np.ndarray
    rank: np.ndarray
    bottom: np.ndarray
    rank_within: dict[str, np.ndarray]
    grades: list[str | None]
    flags: list[list[str]]
    history: History = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def units(self) -> list[str]:
        return self.data.units.names

    def index_of(self, unit: str) -> int:
        try:
            return self.data.units.index()[unit]
        except KeyError:
            raise KeyError(f"没有单位 {unit!r}") from None

    def rounded(self, x: float) -> Decimal | None:
        return to_decimal(x, self.scheme.model.rounding.places)

    def measure(self, name: str) -> np.ndarray:
        return self.evaluation.values[name]

    def unit_result(self, unit: str | int) -> UnitResult:
        i = unit if isinstance(unit, int) else self.index_of(unit)
        u = self.data.units
        spec = self.scheme.model.result
        year_value = lambda name: self.rounded(self.measure(name)[i, -1]) if self.measure(name).shape[-1] == 1 else None  # noqa: E731
        return UnitResult(
            unit=u.names[i],
            unit_class=u.class_names[u.classes[i]] if u.classes[i] >= 0 else None,
            group=u.group_names[u.groups[i]] or None,
            score=self.rounded(self.score[i]),
            rank=int(self.rank[i]) or None,
            rank_in_class=int(self.rank_within["class"][i]) or None if "class" in self.rank_within else None,
            rank_in_group=int(self.rank_within["group"][i]) or None if "group" in self.rank_within else None,
            bottom=int(self.bottom[i]) or None,
            grade=self.grades[i],
            flags=list(self.flags[i]),
            components={self.label(n): year_value(n) for n in spec.show},
            apart={self.label(n): year_value(n) for n in spec.apart},
        )

    def to_dict(self, explanations: bool = False) -> dict:
        """The results document (JSON-ready); a later year reads it back as history."""
        from .appeals import appeal_kinds, appeals_of

        spec = self.scheme.model.result
        registers_appeals = bool(appeal_kinds(self))
        units = []
        for ur in self.ranking():
            i = self.index_of(ur.unit)
            units.append({
                "unit": ur.unit, "class": ur.unit_class, "group": ur.group,
                "score": _plain(ur.score), "score_exact": None if np.isnan(self.score[i]) else float(self.score[i]),
                "rank": ur.rank, "rank_in_class": ur.rank_in_class, "rank_in_group": ur.rank_in_group,
                "bottom": ur.bottom, "grade": ur.grade, "flags": ur.flags,
                "components": {k: _plain(v) for k, v in ur.components.items()},
                "apart": {k: _plain(v) for k, v in ur.apart.items()},
            })
            if registers_appeals:
                units[-1]["appeals"] = [a.to_dict() for a in appeals_of(self, i)]
        doc = {"scheme": self.scheme.id, "scheme_name": self.scheme.name, "year": self.year,
               "rounding": self.scheme.model.rounding.places,
               # the order of the components and kept-apart values, as the scheme lists
               # them (a JSON object's key order does not survive every store, e.g. jsonb)
               "columns": {"components": [self.label(n) for n in spec.show],
                           "apart": [self.label(n) for n in spec.apart]},
               "units": units}
        if explanations:
            from .explain import explain

            doc["explanations"] = {u: explain(self, u).to_dict() for u in self.units}
        return doc

    def label(self, measure: str) -> str:
        return self.scheme.measures[measure].label

    def snapshot(self) -> bytes:
        """Compact bytes (a NumPy ``.npz``, no pickle) from which ``Result.restore`` rebuilds
        this result for explanations (``engine.snapshot``)."""
        from .snapshot import snapshot

        return snapshot(self)

    @classmethod
    def restore(cls, scheme: Scheme, blob: bytes) -> Result:
        """The result ``snapshot`` saved, to explain its units (``engine.snapshot``)."""
        from .snapshot import restore

        return restore(scheme, blob)

    def ranking(self) -> list[UnitResult]:
        """All units, best first (unranked units last, by name)."""
        order = sorted(range(len(self.units)),
                       key=lambda i: (self.rank[i] == 0, self.rank[i], self.units[i]))
        return [self.unit_result(i) for i in order]


def _plain(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def assemble(scheme: Scheme, ev: Evaluation, history: History | None = None) -> Result:
    history = history or {}
    spec = scheme.model.result
    score = exact(ev.values[spec.score][:, 0])
    all_seg = np.zeros(ev.U, np.int64)
    rank, bottom, _ = positions(score, all_seg)
    rank_within = {w: positions(score, ev.segments(w))[0] for w in spec.rank_within}
    grades = _grades(scheme, ev, score, spec.grade) if spec.grade else [None] * ev.U
    result = Result(scheme, ev.data, ev, score, rank, bottom, rank_within, grades,
                    [[] for _ in range(ev.U)], history)
    for text, hit in _rule_flags(scheme, ev):
        for i in np.flatnonzero(hit):
            result.flags[i].append(text)
    now = _Now(result)
    for flag in spec.flags:
        hit = now.test(flag.when)
        for i in np.flatnonzero(hit):
            result.flags[i].append(flag.name)
    incomplete = np.isnan(score)
    for i in np.flatnonzero(incomplete):
        result.flags[i].append("数据不全，未计分")
    return result


def _rule_flags(scheme: Scheme, ev: Evaluation):
    """Flags the rules themselves raise, so that no veto or cap acts unseen in a ranking."""
    for name in scheme.order:
        me = scheme.measures[name]
        if me.zero_if is not None:
            yield f"一票否决：{me.label}计 0", ev.record_condition(me.zero_if.when)
    g = scheme.model.result.grade
    if g is not None:
        for cap in g.caps:
            yield f"等次最高为{cap.at}", ev.record_condition(cap.when)
        for force in g.force:
            yield f"等次定为{force.grade}", ev.record_condition(force.when)


def _grades(scheme: Scheme, ev: Evaluation, score: np.ndarray, g: Grading) -> list[str | None]:
    if g.bands is not None:
        names = [b.grade for b in g.bands]
        level = np.full(ev.U, len(names) - 1)
        for k in range(len(g.bands) - 2, -1, -1):  # from the lowest bounded band up
            b = g.bands[k]
            ok = score >= b.min if b.min is not None else score > b.above
            level = np.where(ok, k, level)
    else:
        p = g.by_position
        names = [p.top.grade, *([p.bottom.grade] if p.bottom else []), p.otherwise]
        seg = ev.segments(p.within)
        top, bottom, _ = positions(score, seg)
        level = np.full(ev.U, len(names) - 1)
        if p.bottom:
            level = np.where(bottom <= _counts(scheme, ev, p.bottom.count), 1, level)
        level = np.where(top <= _counts(scheme, ev, p.top.count), 0, level)  # top count first
        level = np.where(np.isnan(score), len(names) - 1, level)
    for cap in g.caps:
        hit = ev.record_condition(cap.when)
        level = np.where(hit, np.maximum(level, names.index(cap.at)), level)
    for force in g.force:  # applied last: a forcing veto overrides a cap
        hit = ev.record_condition(force.when)
        level = np.where(hit, names.index(force.grade), level)
    lookup = np.array([*names, None], dtype=object)  # no score → None
    return lookup[np.where(np.isnan(score), len(names), level)].tolist()


def _counts(scheme: Scheme, ev: Evaluation, count) -> np.ndarray:
    if isinstance(count, int):
        return np.full(ev.U, count)
    classes = scheme.model.units.classes
    per_class = np.array([count.get(c, 0) for c in classes] + [0])
    return per_class[ev.data.units.classes]  # class -1 picks the trailing 0


class _Now:
    """Evaluates result conditions (positions, grades, history) for all units at once."""

    def __init__(self, result: Result):
        self.r = result

    def test(self, c: Condition) -> np.ndarray:
        r = self.r
        k = c.kind
        if k == "top":
            return (r.rank > 0) & (r.rank <= c.top)
        if k == "bottom":
            return (r.bottom > 0) & (r.bottom <= c.bottom)
        if k == "last":
            valued = ~np.isnan(r.score)
            lowest = np.min(r.score[valued]) if valued.any() else np.nan
            return valued & ((r.score == lowest) == c.last)
        if k == "below_mean":
            valued = ~np.isnan(r.score)
            mean = exact(np.mean(r.score[valued])) if valued.any() else np.nan
            return valued & (r.score < mean) if c.below_mean else valued & (r.score >= mean)
        if k == "grade_in":
            return np.array([g in c.grade_in for g in r.grades])
        if k == "exists":
            return r.evaluation.record_condition(c)
        if k == "all":
            return np.logical_and.reduce([self.test(x) for x in c.all])
        if k == "any":
            return np.logical_or.reduce([self.test(x) for x in c.any])
        if k == "not_":
            return ~self.test(c.not_)
        if k == "running":
            hit = self.test(c.running.when)
            for back in range(1, c.running.years):
                past = r.history.get(r.year - back)
                if past is None:
                    return np.zeros(len(hit), bool)
                hit = hit & np.array([_past_test(c.running.when, past, name) for name in r.units])
            return hit
        raise AssertionError(k)


def _past_test(c: Condition, year: PastYear, unit: str) -> bool:
    u = year.units.get(unit)
    if u is None:
        return False
    k = c.kind
    if k == "top":
        return u.rank is not None and u.rank <= c.top
    if k == "bottom":
        return u.bottom is not None and u.bottom <= c.bottom
    if k == "last":
        return u.score is not None and (exact(u.score) == year.lowest()) == c.last
    if k == "below_mean":
        return u.score is not None and (u.score < year.mean()) == c.below_mean
    if k == "grade_in":
        return u.grade in c.grade_in
    if k == "all":
        return all(_past_test(x, year, unit) for x in c.all)
    if k == "any":
        return any(_past_test(x, year, unit) for x in c.any)
    if k == "not_":
        return not _past_test(c.not_, year, unit)
    raise AssertionError(k)
