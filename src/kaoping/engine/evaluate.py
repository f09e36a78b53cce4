"""Evaluation of a scheme's measures over a dataset, as column operations.

Each measure becomes an array: ``(units, periods)`` or, with an item axis,
``(units, items, periods)``. Record rules run on whole record columns, records reach
units through ``np.bincount``, and steps across units (÷ best, positions, tiers) use
reductions by segment. Nothing loops over units in Python.

NaN means "no value" (e.g. a quarter without an on-site check); it is skipped by
``roll_up … how: mean`` and by positions, and otherwise propagates so that a missing
input is never silently a number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import warnings

import numpy as np

from .arrays import dense_codes, exact, positions, reduce_by_group, reduce_by_key, split_sizes
from .dataset import NO_DATE, Dataset, RecordTable, date_to_days
from .model import PERIODS_PER_YEAR, Condition, Measure, ValueRule, Where
from .scheme import Scheme


class Evaluation:
    """Every measure's values for one scheme over one dataset."""

    def __init__(self, scheme: Scheme, data: Dataset):
        self.scheme = scheme
        self.data = data
        self.U = len(data.units)
        self.I = max(len(scheme.items), 1)
        self.values: dict[str, np.ndarray] = {}
        self._positions: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        #: per aggregate/rubric measure: the per-record values and the records that counted.
        #: An aggregate's are as long as its record table (tens of millions in a province), so
        #: they are not kept from the run but computed again when first asked for (explain).
        self.record_values: dict[str, tuple[np.ndarray, np.ndarray]] = _OnDemand(
            self._aggregate_record_values)

    # ------------------------------------------------------------------ driver
    def run(self, progress=None) -> Evaluation:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of all-NaN, 0/0 masked
            for name in self.scheme.order:
                me = self.scheme.measures[name]
                self.values[name] = getattr(self, "_" + me.op)(me.args, me)
                if progress is not None:
                    progress(name)
        return self

    def value(self, ref):
        return ref if isinstance(ref, int | float) else self.values[ref]

    def positions_of(self, name: str, p: int, within: str, better: str):
        """Positions of a unit measure's period ``p`` within segments, computed once (cached
        for explanations, which ask for them unit after unit)."""
        key = (name, p, within, better)
        got = self._positions.get(key)
        if got is None:
            got = self._positions[key] = positions(exact(self.values[name][:, p]),
                                                   self.segments(within), better)
        return got

    def segments(self, within: str) -> np.ndarray:
        u = self.data.units
        if within == "group":
            return u.groups.astype(np.int64)
        if within == "class":
            return u.classes.astype(np.int64) + 1  # -1 (no class) becomes its own segment
        return np.zeros(self.U, np.int64)

    def table(self, kind: str) -> RecordTable:
        return self.data.records[kind]

    def grain(self, kind: str) -> int:
        return PERIODS_PER_YEAR[self.scheme.records[kind].period]

    # ------------------------------------------------------------------ records
    def where_mask(self, kind: str, where: Where) -> np.ndarray:
        t = self.table(kind)
        mask = np.ones(len(t), bool)
        fields = {f.name: f for f in self.scheme.fields_of(kind)}
        for col, want in where.items():
            f = fields[col]
            wants = want if isinstance(want, list) else [want]
            if f.type == "choice":
                codes = [f.options.index(str(w)) for w in wants]
            elif f.type == "item":
                codes = [self.scheme.item_by_key(str(w)).index for w in wants]
            else:
                codes = wants
            mask &= np.isin(t.columns[col], codes)
        return mask

    def item_column(self, kind: str) -> np.ndarray:
        t = self.table(kind)
        spec = self.scheme.records[kind]
        if spec.item is not None:
            return np.full(len(t), self.scheme.item_by_key(spec.item).index, np.int64)
        f = self.scheme.item_field(kind)
        return t.columns[f.name].astype(np.int64)

    def cells(self, kind: str, by_item: bool) -> np.ndarray:
        """Each record's flat index into a ``(units, [items,] periods)`` array (int64, built
        in place: no full-size temporaries beyond the result)."""
        t = self.table(kind)
        idx = t.unit.astype(np.int64)
        if by_item:
            idx *= self.I
            spec = self.scheme.records[kind]
            if spec.item is not None:
                idx += self.scheme.item_by_key(spec.item).index
            else:
                idx += t.columns[self.scheme.item_field(kind).name]
        idx *= self.grain(kind)
        idx += t.period
        return idx

    def rule_values(self, kind: str, rule: ValueRule) -> np.ndarray:
        """The number each record of ``kind`` is worth under ``rule`` (NaN = no value)."""
        t = self.table(kind)
        k = rule.kind
        if k == "field":
            return t.columns[rule.field].astype(np.float64)
        if k == "constant":
            return np.full(len(t), float(rule.constant))
        if k == "points_by":
            v = None
            fields = {f.name: f for f in self.scheme.fields_of(kind)}
            for fname, points in rule.points_by.items():
                lut = np.array([points[o] for o in fields[fname].options], dtype=np.float64)
                if v is None:
                    v = lut[t.columns[fname]]
                else:
                    v *= lut[t.columns[fname]]
            return v if v is not None else np.ones(len(t))
        if k == "time":
            # in place on two full-size arrays: a province has tens of millions of these
            r = rule.time
            done = t.columns[r.done]
            late = done.astype(np.int64)
            late -= (t.columns[r.deadline] if r.deadline is not None
                     else self.deadlines(kind, None, r.deadline_day))
            np.maximum(late, 0, out=late)
            v = np.multiply(late, r.per_day, dtype=np.float64)  # per_day × days late
            del late
            np.subtract(r.base, v, out=v)
            exact(v, out=v)
            np.maximum(v, r.floor, out=v)
            v[done == NO_DATE] = r.undone
            if r.severe:
                np.minimum(v, r.severe_cap, out=v, where=t.columns[r.severe].astype(bool, copy=False))
            return v
        if k == "quantity":
            r = rule.quantity
            required = t.columns[r.required]
            reported = t.columns[r.reported]
            if r.per_short is not None:
                v = np.maximum(0.0, r.base - r.per_short * np.maximum(required - reported, 0))
            else:
                v = r.base * np.minimum(1.0, reported / required)
            if r.late_cap is not None:
                deadline = self.deadlines(kind, r.deadline, r.deadline_day)
                on = t.columns[r.reported_on]
                late = (on != NO_DATE) & (on.astype(np.int64) > deadline)
                v = np.where(late, np.minimum(v, r.late_cap), v)
            if r.reported_on is not None:  # never reported (blank date): ``unreported``
                v = np.where(t.columns[r.reported_on] == NO_DATE, float(r.unreported), v)
            return v
        if k == "efficacy":
            return self.efficacy(kind, rule)
        raise AssertionError(k)

    def number_column(self, kind: str, name: str) -> np.ndarray:
        """A field as numbers; a choice field whose options are numbers gives the chosen
        option's value (blank → NaN)."""
        col = self.table(kind).columns[name]
        f = next(f for f in self.scheme.fields_of(kind) if f.name == name)
        if f.type == "choice":
            lut = np.array([float(o) for o in f.options] + [np.nan])
            return lut[col.astype(np.int64)]  # code -1 (blank) picks the trailing NaN
        return col.astype(np.float64)

    def deadlines(self, kind: str, field: str | None, day: int | None, rows=None) -> np.ndarray:
        """Each record's deadline (days); of the records ``rows`` only, when given."""
        t = self.table(kind)
        rows = slice(None) if rows is None else rows
        if field is not None:
            return t.columns[field][rows].astype(np.int64)
        year = self.data.year
        by_month = np.array([date_to_days(dt.date(year, m, min(day, calendar.monthrange(year, m)[1])))
                             for m in range(1, 13)], dtype=np.int64)
        return by_month[t.period[rows]]

    def efficacy(self, kind: str, rule: ValueRule) -> np.ndarray:
        e = rule.efficacy
        x, best, worst = self.efficacy_bounds(kind, rule)
        span = best - worst
        coef = np.where(span == 0, 1.0, (x - worst) / np.where(span == 0, 1.0, span))
        return e.low + e.span * np.clip(coef, 0.0, 1.0)

    def efficacy_bounds(self, kind: str, rule: ValueRule):
        """Per record: the value, and the best and worst it is measured against."""
        e = rule.efficacy
        t = self.table(kind)
        x = t.columns[e.field].astype(np.float64)
        peer, npeer = dense_codes(t.columns[e.peers]) if len(t) else (np.zeros(0, np.int64), 1)
        key = self.segments(e.within)[t.unit] * max(npeer, 1) + peer
        best = reduce_by_key(key, x, np.fmax)
        worst = reduce_by_key(key, x, np.fmin)
        if e.best:
            given = t.columns[e.best]
            best = np.where(np.isnan(given), best, given)
        if e.worst:
            given = t.columns[e.worst]
            worst = np.where(np.isnan(given), worst, given)
        return x, best, worst

    # ------------------------------------------------------------------ record operations
    def aggregate_records(self, a) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Per record of an aggregate: its value, its weight (or None), whether it counts."""
        t = self.table(a.records)
        mask = self.where_mask(a.records, a.where)
        v = np.ones(len(t)) if a.value is None else self.rule_values(a.records, a.value)
        sel = mask & ~np.isnan(v)
        w = None
        if a.weight:
            w = self.number_column(a.records, a.weight)
            sel &= ~np.isnan(w)
        return v, w, sel

    def _aggregate_record_values(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        me = self.scheme.measures.get(name)
        if me is None or me.op != "aggregate":
            raise KeyError(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            v, _, sel = self.aggregate_records(me.args)
        return v, sel

    def _aggregate(self, a, me: Measure) -> np.ndarray:
        P = self.grain(a.records)
        v, w, sel = self.aggregate_records(a)  # not kept: see record_values
        idx = self.cells(a.records, a.by_item)
        shape = (self.U, self.I, P) if a.by_item else (self.U, P)
        size = int(np.prod(shape))
        everything = bool(sel.all())  # the usual case: no copies of the selected records
        idx, vs = (idx, v) if everything else (idx[sel], v[sel])
        if a.how in ("sum", "count") and a.empty == "zero":
            # empty cells sum to 0 (the astype only for no records at all: bincount gives ints)
            return np.bincount(idx, vs, minlength=size).astype(np.float64, copy=False).reshape(shape)
        if a.how == "weighted_mean":
            ws = w if everything else w[sel]
            count = np.bincount(idx, ws, minlength=size)  # Σ weights
            out = np.bincount(idx, ws * vs, minlength=size) / count
        else:
            count = np.bincount(idx, minlength=size)
            if a.how in ("sum", "count"):
                out = np.bincount(idx, vs, minlength=size)
            elif a.how == "mean":
                out = np.bincount(idx, vs, minlength=size) / count
            else:  # max / min
                out = np.full(size, np.nan)
                ufunc = np.fmax if a.how == "max" else np.fmin
                if len(idx):
                    red = reduce_by_key(idx, vs, ufunc)
                    out[idx] = red
        out = np.where(count > 0, out, 0.0 if a.empty == "zero" else np.nan)
        return out.reshape(shape)

    def _rubric(self, a, me: Measure) -> np.ndarray:
        s = self.scheme
        t = self.table(a.records)
        P = self.grain(a.records)
        mask = self.where_mask(a.records, a.where)
        clause = t.columns[a.clause].astype(np.int64)
        mask &= clause >= 0
        item_of = np.array([c.item for c in s.clauses], dtype=np.int64)
        per = np.array([c.spec.per or 0.0 for c in s.clauses])
        is_range = np.array([c.spec.range is not None for c in s.clauses])
        is_zero = np.array([c.spec.zero for c in s.clauses])
        safe = np.where(clause >= 0, clause, 0)
        count = np.nan_to_num(t.columns[a.count], nan=1.0) if a.count else np.ones(len(t))
        amount = per[safe]
        if a.amount:
            amount = np.where(is_range[safe], np.nan_to_num(t.columns[a.amount]), amount)
        ded = exact(count * amount)
        ded = np.where(is_zero[safe], 0.0, ded)
        self.record_values[me.name] = (ded, mask)
        idx = (t.unit.astype(np.int64) * self.I + item_of[safe]) * P + t.period
        size = self.U * self.I * P
        total = np.bincount(idx[mask], ded[mask], minlength=size).reshape(self.U, self.I, P)
        zero = np.bincount(idx[mask & is_zero[safe]], minlength=size).reshape(self.U, self.I, P) > 0
        points = np.array([i.spec.points for i in s.items], dtype=np.float64)[None, :, None]
        score = np.clip(points - total, 0.0, points)
        score = np.where(zero, 0.0, score)
        if a.sessions:
            st = self.table(a.sessions)
            held = np.bincount(st.unit.astype(np.int64) * P + st.period, minlength=self.U * P)
            held = held.reshape(self.U, P) > 0  # deductions outside a session: refused on input
            score = np.where(held[:, None, :], score, np.nan)
        return score

    # ------------------------------------------------------------------ unit operations
    def _total(self, a, me):
        x = self.values[a.of]
        pick = np.array([(a.section is None or i.section == a.section)
                         and (a.tag is None or a.tag in i.spec.tags) for i in self.scheme.items])
        sub = x if pick.all() else x[:, pick, :]
        return sub.sum(axis=1) if a.how == "sum" else sub.mean(axis=1)

    def _normalise(self, a, me):
        x = self.values[a.of]
        best, seg = reduce_by_group(self.segments(a.within), x, np.fmax)
        out = best[seg]  # each unit's best; becomes x ÷ best where best > 0, else 0
        ok = out > 0
        np.divide(x, out, out=out, where=ok)
        out[~ok] = 0.0
        out[np.isnan(x)] = np.nan
        return out

    def _sum(self, refs, me):
        out = np.zeros(self._shape_of(me))
        for r in refs:  # in place, in order: 0 + a + b + …
            out += self.value(r)
        return out

    def _difference(self, refs, me):
        return self.value(refs[0]) - self.value(refs[1]) + np.zeros(self._shape_of(me))

    def _weighted(self, weights, me):
        return sum((w * self.values[r] for r, w in weights.items()), start=0.0)

    def _weighted_by_class(self, by_class, me):
        out = np.full(self._shape_of(me), np.nan)
        for c, weights in by_class.items():
            rows = self.class_rows(c)
            out[rows] = sum((w * self.values[r][rows] for r, w in weights.items()), start=0.0)
        return out

    def _select_by_class(self, by_class, me):
        out = np.full(self._shape_of(me), np.nan)
        for c, ref in by_class.items():
            rows = self.class_rows(c)
            v = self.value(ref)
            out[rows] = v[rows] if isinstance(v, np.ndarray) else v
        return out

    def class_rows(self, name: str) -> np.ndarray:
        classes = self.scheme.model.units.classes
        return self.data.units.classes == classes.index(name)

    def _scale(self, a, me):
        return self.values[a.of] * a.by

    def _clamp(self, a, me):
        return np.clip(self.values[a.of], a.min, a.max)

    def _fill(self, a, me):
        x = self.values[a.of]
        return np.where(np.isnan(x), a.value, x)

    def _roll_up(self, a, me):
        x = self.values[a.of]
        dst = PERIODS_PER_YEAR[a.to]
        grouped = x.reshape(*x.shape[:-1], dst, x.shape[-1] // dst)
        return grouped.sum(axis=-1) if a.how == "sum" else np.nanmean(grouped, axis=-1)

    def _by_position(self, a, me):
        x = self.values[a.of]
        out = np.full(x.shape, float(a.otherwise))
        for p in range(x.shape[1]):
            top, bottom, size = self.positions_of(a.of, p, a.within, a.better)
            pos = top if a.side == "top" else bottom
            valued = size > 0
            if a.split is not None:
                limits = split_sizes(size, a.split)
                tier = (pos[:, None] > limits).sum(axis=1)  # 0-based tier index
                pts = np.array(a.points, dtype=np.float64)[np.minimum(tier, a.split - 1)]
                out[valued, p] = pts[valued]
            else:
                col = out[:, p]
                for band in reversed(a.bands):  # the narrowest band wins
                    col[valued & (pos <= band.upto)] = band.points
        return out

    def _zero_if(self, a, me):
        x = self.values[a.of]
        hit = self.record_condition(a.when)
        return np.where(hit.reshape((-1,) + (1,) * (x.ndim - 1)), 0.0, x)

    def _shape_of(self, me: Measure) -> tuple[int, ...]:
        s = self.scheme.shapes[me.name]
        P = PERIODS_PER_YEAR[s.grain]
        return (self.U, self.I, P) if s.by_item else (self.U, P)

    # ------------------------------------------------------------------ conditions on records
    def record_condition(self, c: Condition) -> np.ndarray:
        k = c.kind
        if k == "exists":
            t = self.table(c.exists.records)
            mask = self.where_mask(c.exists.records, c.exists.where)
            return np.bincount(t.unit[mask], minlength=self.U) > 0
        if k == "all":
            return np.logical_and.reduce([self.record_condition(x) for x in c.all])
        if k == "any":
            return np.logical_or.reduce([self.record_condition(x) for x in c.any])
        if k == "not_":
            return ~self.record_condition(c.not_)
        raise AssertionError(k)

    def matching_records(self, c: Condition, unit: int) -> list[tuple[str, int]]:
        """The records that make a record condition true for one unit (for explanations)."""
        out: list[tuple[str, int]] = []
        for sub in _leaves(c):
            t = self.table(sub.records)
            mask = self.where_mask(sub.records, sub.where) & (t.unit == unit)
            out += [(sub.records, int(i)) for i in np.flatnonzero(mask)]
        return out


class _OnDemand(dict):
    """A dict that computes (and then keeps) a missing entry on first access."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


def _leaves(c: Condition):
    if c.kind == "exists":
        yield c.exists
    for sub in (c.all or []) + (c.any or []) + ([c.not_] if c.not_ is not None else []):
        yield from _leaves(sub)
