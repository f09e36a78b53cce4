"""A ballot's results, counted from its vote rows: pure functions over plain data.

Per rated unit and rater category: the number of votes, the distribution of choices, and the
mean score (0–100; a choice counts its points). With ``drop_extremes`` one highest and one
lowest score are dropped from a unit's votes of a category before the mean, when the
category gave that unit at least 3 votes (with fewer nothing would be left to average).

The weighted score of a unit is Σ weight × mean ÷ Σ weight over the categories that rated
the unit: a category without votes is left out and the other weights are renormalised
(F's 40/5/5 without 服务对象 becomes 40/5 ÷ 45). Where the scheme weighs the ballot's part
together with parts from other records (F 年末考核分: 考核组评分 50 is the team's own score),
this is the ballot's part only; the engine weighs the whole.

Signals for the assessor, shown and never applied: sheets that gave every unit the same
answer, and sheets far from the consensus — the mean absolute difference between the
sheet's scores and its category's unit means is above ``OUTLIER_POINTS``.

:func:`load` reads a ballot's rows from the database and counts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: a sheet whose scores differ from the consensus by more than this on average is signalled
OUTLIER_POINTS = 20.0


@dataclass(frozen=True)
class Vote:
    sheet: str
    category: str
    unit: int
    choice: int | None = None
    score: float | None = None


@dataclass(frozen=True)
class Setup:
    units: Sequence[tuple[int, str]]             # (organisation id, name)
    categories: Sequence[tuple[str, float]]      # (name, weight)
    choices: Sequence[tuple[str, float]] = ()    # (label, points); empty: 0–100 scores
    drop_extremes: bool = False


@dataclass
class Cell:
    """One unit's votes of one category."""

    count: int = 0
    distribution: list[int] = field(default_factory=list)  # votes per choice
    mean: float | None = None
    dropped: bool = False


@dataclass
class UnitResult:
    unit: int
    name: str
    cells: dict[str, Cell]
    weighted: float | None
    distribution: list[int]      # all categories together

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cells.values())


@dataclass
class Signal:
    category: str
    message: str


@dataclass
class Results:
    setup: Setup
    units: list[UnitResult]
    sheets: dict[str, int]                       # category → sheets submitted
    turnout: dict[str, tuple[int, int]]          # category → (used, issued)
    signals: list[Signal]

    def unit(self, unit_id: int) -> UnitResult:
        return next(u for u in self.units if u.unit == unit_id)


def points(setup: Setup, v: Vote) -> float | None:
    if setup.choices:
        return None if v.choice is None else float(setup.choices[v.choice][1])
    return v.score


def trimmed_mean(values: list[float], drop_extremes: bool) -> tuple[float | None, bool]:
    """The mean, after dropping one highest and one lowest value when asked and n ≥ 3."""
    if not values:
        return None, False
    if drop_extremes and len(values) >= 3:
        values = sorted(values)[1:-1]
        return sum(values) / len(values), True
    return sum(values) / len(values), False


def weighted(means: dict[str, float | None], weights: dict[str, float]) -> float | None:
    have = [(weights[c], m) for c, m in means.items() if m is not None and weights[c] > 0]
    total = sum(w for w, _ in have)
    if not have or total <= 0:
        return None
    return sum(w * m for w, m in have) / total


def count(setup: Setup, votes: Iterable[Vote], issued: dict[str, int] | None = None,
          used: dict[str, int] | None = None) -> Results:
    votes = list(votes)
    nchoices = len(setup.choices)
    weights = dict(setup.categories)
    by_cell: dict[tuple[int, str], list[Vote]] = defaultdict(list)
    sheets: dict[str, set[str]] = defaultdict(set)
    for v in votes:
        by_cell[(v.unit, v.category)].append(v)
        sheets[v.category].add(v.sheet)
    units = []
    means: dict[tuple[int, str], float | None] = {}
    for uid, name in setup.units:
        cells = {}
        total = [0] * nchoices
        for cat, _ in setup.categories:
            vs = by_cell.get((uid, cat), [])
            dist = [0] * nchoices
            for v in vs:
                if v.choice is not None and v.choice < nchoices:
                    dist[v.choice] += 1
                    total[v.choice] += 1
            scores = [p for p in (points(setup, v) for v in vs) if p is not None]
            mean, dropped = trimmed_mean(scores, setup.drop_extremes)
            cells[cat] = Cell(len(scores), dist, mean, dropped)
            means[(uid, cat)] = mean
        w = weighted({c: cell.mean for c, cell in cells.items()}, weights)
        units.append(UnitResult(uid, name, cells, w, total))
    issued = issued or {}
    used = used or {}
    turnout = {c: (used.get(c, 0), issued.get(c, 0)) for c, _ in setup.categories}
    return Results(setup, units, {c: len(sheets.get(c, ())) for c, _ in setup.categories},
                   turnout, signals(setup, votes, means))


def signals(setup: Setup, votes: list[Vote], means: dict[tuple[int, str], float | None]
            ) -> list[Signal]:
    by_sheet: dict[str, list[Vote]] = defaultdict(list)
    for v in votes:
        by_sheet[v.sheet].append(v)
    uniform: dict[str, int] = defaultdict(int)
    outliers: dict[str, list[float]] = defaultdict(list)
    for vs in by_sheet.values():
        cat = vs[0].category
        answers = {(v.choice, v.score) for v in vs}
        if len(vs) >= 2 and len(answers) == 1:
            uniform[cat] += 1
        diffs = [abs(p - means[(v.unit, cat)]) for v in vs
                 if (p := points(setup, v)) is not None and means.get((v.unit, cat)) is not None]
        if diffs and sum(diffs) / len(diffs) > OUTLIER_POINTS:
            outliers[cat].append(sum(diffs) / len(diffs))
    out = []
    for cat, _ in setup.categories:
        if uniform.get(cat):
            out.append(Signal(cat, f"{cat}：{uniform[cat]} 张票对所有单位作出相同评价"))
        if outliers.get(cat):
            worst = max(outliers[cat])
            out.append(Signal(cat, f"{cat}：{len(outliers[cat])} 张票与多数意见相差较大"
                                   f"（平均偏离超过 {OUTLIER_POINTS:g} 分，最大 {worst:.1f} 分）"))
    return out


# ------------------------------------------------------------------ from the database


def setup_of(ballot) -> Setup:
    return Setup(units=[(o.pk, o.name) for o in ballot.units.order_by("path")],
                 categories=[(c.name, c.weight) for c in ballot.categories.all()],
                 choices=[(label, float(p)) for label, p in ballot.choices]
                 if ballot.form == "choices" else (),
                 drop_extremes=ballot.drop_extremes)


def load(ballot) -> Results:
    """Count a ballot from its stored votes and tokens."""
    from django.db.models import Count, Q

    from .models import BallotToken, BallotVote

    rows = (BallotVote.objects.filter(sheet__ballot=ballot)
            .values_list("sheet_id", "sheet__category__name", "unit_id", "choice", "score"))
    votes = [Vote(str(s), c, u, ch, sc) for s, c, u, ch, sc in rows]
    tokens = (BallotToken.objects.filter(category__ballot=ballot)
              .values("category__name")
              .annotate(issued=Count("id"), used=Count("id", filter=Q(used=True))))
    issued = {t["category__name"]: t["issued"] for t in tokens}
    used = {t["category__name"]: t["used"] for t in tokens}
    return count(setup_of(ballot), votes, issued, used)


__all__ = ["OUTLIER_POINTS", "Cell", "Results", "Setup", "Signal", "UnitResult", "Vote", "count",
           "load", "points", "setup_of", "trimmed_mean", "weighted"]
