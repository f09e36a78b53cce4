"""Why a unit got its score: the measure graph walked for one unit, down to the records.

``explain(result, unit)`` builds a tree of ``Node``s — final score ← components ← items ←
rules ← records (with their sheet and row) — from the arrays the evaluation already holds;
nothing is recomputed for the other units. The tree renders to text (a waterfall), to a
JSON-ready dict, and to rows for a spreadsheet sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .appeals import Appeal, appeals_of
from .arrays import exact, positions, split_sizes
from .dataset import NO_DATE, days_to_date
from .model import PERIODS_PER_YEAR, Measure
from .result import Result


@dataclass
class RecordLine:
    place: str
    summary: str
    value: float | None
    detail: str
    counted: bool = True

    def to_dict(self) -> dict:
        return {"place": self.place, "record": self.summary, "value": _num(self.value),
                "rule": self.detail, "counted": self.counted}


@dataclass
class Node:
    """One value of the explanation. ``rule`` is the calculation as a formula (the text
    waterfall, the spreadsheet); ``words`` says the same for a reader, without symbols
    ("本单位 0.7，同一上级组织内最高 1，按比例得 0.7")."""

    label: str
    value: float | None
    rule: str = ""
    children: list[Node] = field(default_factory=list)
    records: list[RecordLine] = field(default_factory=list)
    words: str = ""

    def to_dict(self) -> dict:
        out: dict = {"label": self.label, "value": _num(self.value), "rule": self.rule}
        if self.words:
            out["words"] = self.words
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        if self.records:
            out["records"] = [r.to_dict() for r in self.records]
        return out


@dataclass
class Explanation:
    unit: str
    headline: list[str]
    root: Node
    apart: list[Node]
    #: the unit's appeals and their answers (shown, never scored)
    appeals: list[Appeal] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {"unit": self.unit, "summary": self.headline, "score": self.root.to_dict(),
               "apart": [n.to_dict() for n in self.apart]}
        if self.appeals:
            out["appeals"] = [{"place": a.place, **a.to_dict()} for a in self.appeals]
        return out

    def to_text(self) -> str:
        lines = [f"【{self.unit}】", *self.headline, ""]
        for top in [self.root, *self.apart]:
            _render(top, "", True, lines, root=True)
        if self.appeals:
            lines += ["", "申诉（只作登记，不参与计分）"]
            lines += [f"{a.place}：{a.line()}" for a in self.appeals]
        return "\n".join(lines)

    def rows(self) -> list[tuple[int, str, float | None, str, str]]:
        """Pre-order rows ``(depth, label, value, rule, place)`` for a spreadsheet."""
        out: list[tuple[int, str, float | None, str, str]] = []

        def walk(n: Node, depth: int) -> None:
            out.append((depth, n.label, n.value, n.rule, ""))
            for c in n.children:
                walk(c, depth + 1)
            for r in n.records:
                out.append((depth + 1, r.summary, r.value, r.detail, r.place))

        for top in [self.root, *self.apart]:
            walk(top, 0)
        if self.appeals:
            out.append((0, "申诉（只作登记，不参与计分）", None, "", ""))
            out += [(1, a.line(), None, "", a.place) for a in self.appeals]
        return out


def _num(x) -> float | None:
    if x is None or np.isnan(x):
        return None
    return float(exact(x))


def fmt(x) -> str:
    if x is None or np.isnan(x):
        return "无"
    # Intermediate values are shown to 4 places (formatting rounds); results use to_decimal.
    s = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _render(n: Node, prefix: str, last: bool, lines: list[str], root: bool = False) -> None:
    head = "" if root else prefix + ("└─ " if last else "├─ ")
    rule = f"  〔{n.rule}〕" if n.rule else ""
    lines.append(f"{head}{n.label} = {fmt(n.value)}{rule}")
    child_prefix = "" if root else prefix + ("   " if last else "│  ")
    kids: list = [*n.children, *n.records]
    for k, c in enumerate(kids):
        end = k == len(kids) - 1
        if isinstance(c, Node):
            _render(c, child_prefix, end, lines)
        else:
            mark = "" if c.counted else "（不计）"
            lines.append(f"{child_prefix}{'└─ ' if end else '├─ '}{c.place}：{c.summary} → "
                         f"{fmt(c.value)}{mark}" + (f"  〔{c.detail}〕" if c.detail else ""))


_GRAIN_WORDS = {"year": "年", "half": "半年", "quarter": "季度", "month": "月"}

_PERIOD_NAMES = {
    "year": lambda p: "",
    "half": lambda p: ("上半年", "下半年")[p],
    "quarter": lambda p: f"第{p + 1}季度",
    "month": lambda p: f"{p + 1}月",
}


def period_label(grain: str, p: int) -> str:
    return _PERIOD_NAMES[grain](p)


class _Explainer:
    def __init__(self, result: Result, unit: int):
        self.r = result
        self.s = result.scheme
        self.ev = result.evaluation
        self.u = unit
        self._rows: dict[str, np.ndarray] = {}  # per record kind: this unit's records
        self._peers: dict[str, np.ndarray] = {}  # per "within": the units compared with it

    # ------------------------------------------------------------------ generic
    def node(self, name: str, p: int = 0, i: int | None = None) -> Node:
        me = self.s.measures[name]
        shape = self.s.shapes[name]
        arr = self.ev.values[name]
        value = arr[self.u, i, p] if shape.by_item else arr[self.u, p]
        parts = [period_label(shape.grain, p), self.s.items[i].label if i is not None else "", me.label]
        label = " ".join(x for x in parts if x)
        n = Node(label, float(value))
        getattr(self, "_" + me.op)(me.args, me, n, p, i)
        if me.note:
            n.rule = f"{n.rule}；{me.note}" if n.rule else me.note
            n.words = f"{n.words}；{me.note}" if n.words else me.note
        return n

    def name_of(self, ref) -> str:
        """A measure's label as the words say it (a number stays a number)."""
        return fmt(ref) if isinstance(ref, int | float) else self.s.measures[ref].label

    def operand(self, ref, p, i):
        if isinstance(ref, int | float):
            return None, fmt(ref)
        child = self.node(ref, p, i)
        return child, f"{self.s.measures[ref].label} {fmt(child.value)}"

    # ------------------------------------------------------------------ records
    def records_of(self, kind: str, p: int, i: int | None) -> np.ndarray:
        """This unit's records of ``kind`` in period ``p`` (and of item ``i``), in order.

        The table is scanned once per kind, not once per node: a province's tables are long."""
        t = self.ev.table(kind)
        rows = self._rows.get(kind)
        if rows is None:
            rows = self._rows[kind] = np.flatnonzero(t.unit == self.u)
        rows = rows[t.period[rows] == p]
        if i is not None:
            spec = self.s.records[kind]
            if spec.item is not None:
                rows = rows if self.s.item_by_key(spec.item).index == i else rows[:0]
            else:
                rows = rows[t.columns[self.s.item_field(kind).name][rows] == i]
        return rows

    def summary(self, kind: str, j: int, skip: set[str] = frozenset()) -> str:
        t = self.ev.table(kind)
        parts = []
        for f in self.s.fields_of(kind):
            if f.name in skip:
                continue
            v = t.columns[f.name][j]
            if f.type in ("number", "integer"):
                text = None if np.isnan(v) else fmt(v)
            elif f.type == "date":
                text = None if v == NO_DATE else days_to_date(v).isoformat()
            elif f.type == "choice":
                text = None if v < 0 else f.options[v]
            elif f.type == "item":
                text = None if v < 0 else self.s.items[v].name
            elif f.type == "clause":
                text = None if v < 0 else self.s.clauses[v].spec.code
            elif f.type == "bool":
                text = "是" if v else None
            else:
                text = v or None
            if text is not None:
                parts.append(f"{f.name} {text}")
        return "，".join(parts)

    def _aggregate(self, a, me: Measure, n: Node, p, i):
        values, counted = self.ev.record_values[me.name]
        rows = self.records_of(a.records, p, i)
        t = self.ev.table(a.records)
        for j in rows:
            detail = "" if a.value is None else self.rule_detail(a.records, a.value, j, values[j])
            n.records.append(RecordLine(t.place(int(j)), self.summary(a.records, j), float(values[j]),
                                        detail, bool(counted[j])))
        hows = {"sum": "各记录得分之和", "mean": "各记录得分的平均", "count": "记录条数",
                "max": "各记录中的最高分", "min": "各记录中的最低分",
                "weighted_mean": f"按「{a.weight}」加权平均：Σ(权重×得分) ÷ Σ权重"}
        n.rule = hows[a.how] if rows.size else ("无记录，计 0" if a.empty == "zero" else "无记录，不计")
        k = rows.size
        words = {"sum": f"下列 {k} 条记录的得分相加" if k > 1 else "取下列记录的得分",
                 "mean": f"取下列 {k} 条记录得分的平均", "count": f"共 {k} 条记录，每条计 1",
                 "max": "取下列记录中最高的得分", "min": "取下列记录中最低的得分",
                 "weighted_mean": f"按各记录的「{a.weight}」加权平均"}
        n.words = (words[a.how] + f"，得 {fmt(n.value)}" if k else
                   ("本期没有记录，计 0" if a.empty == "zero" else "本期没有记录，不计分"))

    def rule_detail(self, kind: str, rule, j: int, v: float) -> str:
        t = self.ev.table(kind)
        k = rule.kind
        if k == "field":
            return f"取「{rule.field}」"
        if k == "constant":
            return f"每条计 {fmt(rule.constant)}"
        if k == "points_by":
            fields = {f.name: f for f in self.s.fields_of(kind)}
            bits = [f"{fn} {fields[fn].options[t.columns[fn][j]]} → {fmt(pts[fields[fn].options[t.columns[fn][j]]])}"
                    for fn, pts in rule.points_by.items()]
            return "；".join(bits) + (f"，相乘得 {fmt(v)}" if len(bits) > 1 else "")
        if k == "time":
            r = rule.time
            deadline = int(self.ev.deadlines(kind, r.deadline, r.deadline_day, j))
            done = int(t.columns[r.done][j])
            d0 = days_to_date(deadline).isoformat()
            if done == NO_DATE:
                text = f"截止 {d0}，未完成，计 {fmt(r.undone)}"
            else:
                late = max(0, done - deadline)
                text = (f"截止 {d0}，完成 {days_to_date(done).isoformat()}，" +
                        (f"超期 {late} 天：{fmt(r.base)} − {fmt(r.per_day)}×{late} = "
                         f"{fmt(max(r.floor, exact(r.base - r.per_day * late)))}"
                         + (f"（最低 {fmt(r.floor)}）" if r.base - r.per_day * late < r.floor else "")
                         if late else f"按时完成：{fmt(r.base)}"))
            if r.severe and t.columns[r.severe][j]:
                text += f"；严重超期，最高 {fmt(r.severe_cap)}"
            return text
        if k == "quantity":
            r = rule.quantity
            req, rep = t.columns[r.required][j], t.columns[r.reported][j]
            if r.reported_on is not None and int(t.columns[r.reported_on][j]) == NO_DATE:
                due = ""
                if r.deadline is not None or r.deadline_day is not None:
                    deadline = int(self.ev.deadlines(kind, r.deadline, r.deadline_day, j))
                    due = f"截止 {days_to_date(deadline).isoformat()}，"
                return f"应报 {fmt(req)}，{due}逾期未上报（{r.reported_on}为空），计 {fmt(r.unreported)}"
            if r.per_short is not None:
                text = f"应报 {fmt(req)}，实报 {fmt(rep)}：{fmt(r.base)} − {fmt(r.per_short)}×{fmt(max(req - rep, 0))}"
            else:
                text = f"应报 {fmt(req)}，实报 {fmt(rep)}：" + (
                    f"达到数量，{fmt(r.base)}" if rep >= req else f"{fmt(r.base)}×{fmt(rep)}÷{fmt(req)}")
            if r.late_cap is not None:
                deadline = int(self.ev.deadlines(kind, r.deadline, r.deadline_day, j))
                on = int(t.columns[r.reported_on][j])
                if on != NO_DATE and on > deadline:
                    text += f"；{days_to_date(on).isoformat()} 上报，晚于截止 {days_to_date(deadline).isoformat()}，最高 {fmt(r.late_cap)}"
            return text
        if k == "efficacy":
            e = rule.efficacy
            x, best, worst = (float(a[j]) for a in self.ev.efficacy_bounds(kind, rule))
            if best == worst:
                calc = f"最优值与最差值均为 {fmt(best)}，系数计 1：{fmt(e.low)} + {fmt(e.span)} = {fmt(v)}"
            else:
                coef = (x - worst) / (best - worst)
                clipped = "" if 0 <= coef <= 1 else f"（系数 {fmt(coef)} 限为 {1 if coef > 1 else 0}）"
                calc = (f"{fmt(e.low)} + {fmt(e.span)} × ({fmt(x)} − {fmt(worst)}) ÷ "
                        f"({fmt(best)} − {fmt(worst)}){clipped} = {fmt(v)}")
            return (f"功效系数：{e.low:g} + {e.span:g} × (完成值 − 最差值) ÷ (最优值 − 最差值)，"
                    f"同一「{e.peers}」的单位间比较，系数限于 0—1；{calc}")
        return ""

    def _rubric(self, a, me, n: Node, p, i):
        it = self.s.items[i]
        t = self.ev.table(a.records)
        ded, counted = self.ev.record_values[me.name]
        item_of = np.array([c.item for c in self.s.clauses], dtype=np.int64)
        clause = t.columns[a.clause]
        rows = [j for j in self.records_of(a.records, p, None)
                if clause[j] >= 0 and item_of[clause[j]] == i and counted[j]]
        total = 0.0
        zero = False
        for j in rows:
            c = self.s.clauses[clause[j]].spec
            if c.zero:
                detail = f"{c.code} {c.text}：该项不得分"
                zero = True
            else:
                cnt = t.columns[a.count][j] if a.count else 1
                cnt = 1 if np.isnan(cnt) else cnt
                each = c.per if c.per is not None else t.columns[a.amount][j]
                detail = f"{c.code} {c.text}：{fmt(cnt)} 次 × {fmt(each)} = {fmt(ded[j])}"
                total += ded[j]
            n.records.append(RecordLine(t.place(int(j)), self.summary(a.records, j, {a.clause}),
                                        -float(ded[j]), detail))
        if np.isnan(n.value):
            n.rule = f"本期无「{a.sessions}」，不计"
            n.words = f"本期没有「{a.sessions}」，不计分"
        elif zero:
            n.rule = "有“不得分”情形，计 0"
            n.words = "有“不得分”的情形，本项计 0"
        elif total:
            raw = exact(it.spec.points - total)
            n.rule = f"分值 {fmt(it.spec.points)} − 扣分 {fmt(total)} = {fmt(raw)}" + (
                "，扣完为止，计 0" if raw < 0 else "")
            n.words = (f"本项满分 {fmt(it.spec.points)}，共扣 {fmt(total)}，" +
                       ("扣完为止，计 0" if raw < 0 else f"得 {fmt(raw)}"))
        else:
            n.rule = f"无扣分，得满分 {fmt(it.spec.points)}"
            n.words = f"没有扣分，得满分 {fmt(it.spec.points)}"

    # ------------------------------------------------------------------ unit operations
    def _total(self, a, me, n, p, i):
        for it in self.s.items:
            if (a.section is None or it.section == a.section) and (a.tag is None or a.tag in it.spec.tags):
                n.children.append(self.node(a.of, p, it.index))
        scope = f"「{a.section}」" if a.section else (f"标签「{a.tag}」" if a.tag else "")
        n.rule = f"{scope}各项目{'之和' if a.how == 'sum' else '的平均'}"
        n.words = f"{scope}下列各项目的得分{'相加' if a.how == 'sum' else '取平均'}，得 {fmt(n.value)}"

    def _normalise(self, a, me, n, p, i):
        child = self.node(a.of, p, i)
        n.children.append(child)
        arr = self.ev.values[a.of]
        peers = self.peers(a.within)
        col = arr[peers, i, p] if i is not None else arr[peers, p]
        best = np.nanmax(col) if np.any(~np.isnan(col)) else np.nan
        who = [self.r.units[k] for k in peers[col == best]]
        scope = {"group": "同一上级组织内", "class": "同类别内", "all": "全部单位中"}[a.within]
        names = f"（{'、'.join(who[:3])}{'等' if len(who) > 3 else ''}）"
        what = self.s.measures[a.of].label
        if not best > 0:
            n.rule = f"{scope}最高为 {fmt(best)}，全部计 0"
            n.words = f"{scope}各单位的「{what}」都没有超过 0，本项计 0"
        else:
            n.rule = f"{fmt(child.value)} ÷ {scope}最高 {fmt(best)}{names}"
            mine = child.value if child.value is not None and not np.isnan(child.value) else 0
            if exact(mine) == exact(best):
                end = f"是{scope}最高的，得满分 1" if len(who) == 1 else f"与{scope}最高的相同，得满分 1"
            elif not mine > 0:
                end = "本单位为 0，计 0"
            else:
                end = f"按所占比例得 {fmt(n.value)}"
            n.words = f"本单位「{what}」{fmt(mine)}，{scope}最高 {fmt(best)}{names}，{end}"

    def peers(self, within: str) -> np.ndarray:
        """The units compared with this one (same group, class or all), found once."""
        got = self._peers.get(within)
        if got is None:
            seg = self.ev.segments(within)
            got = self._peers[within] = np.flatnonzero(seg == seg[self.u])
        return got

    def _terms(self, refs, sign: str, n, p, i):
        bits = []
        for r in refs:
            child, text = self.operand(r, p, i)
            if child:
                n.children.append(child)
            bits.append(text)
        n.rule = f" {sign} ".join(bits)
        names = [f"「{self.name_of(r)}」" for r in refs]
        if sign == "+":
            n.words = f"{'、'.join(names)}相加，得 {fmt(n.value)}"
        else:
            n.words = f"{names[0]}减去{'、'.join(names[1:])}，得 {fmt(n.value)}"

    def _sum(self, refs, me, n, p, i):
        self._terms(refs, "+", n, p, i)

    def _difference(self, refs, me, n, p, i):
        self._terms(refs, "−", n, p, i)

    def _weighted(self, weights, me, n, p, i):
        bits = []
        for r, w in weights.items():
            child, text = self.operand(r, p, i)
            n.children.append(child)
            bits.append(f"{fmt(w)} × {text}")
        n.rule = " + ".join(bits)
        parts = "、".join(f"「{self.name_of(r)}」占 {fmt(w * 100)}%" if sum(weights.values()) <= 1.0001
                         else f"「{self.name_of(r)}」乘以 {fmt(w)}" for r, w in weights.items())
        n.words = f"按权重合成：{parts}，得 {fmt(n.value)}"

    def _weighted_by_class(self, by_class, me, n, p, i):
        c = self.unit_class()
        self._weighted(by_class[c], me, n, p, i)
        n.rule = f"（{c}）" + n.rule
        n.words = f"本单位属「{c}」类，" + n.words

    def _select_by_class(self, by_class, me, n, p, i):
        c = self.unit_class()
        child, text = self.operand(by_class[c], p, i)
        if child:
            n.children.append(child)
        n.rule = f"（{c}）取 {text}"
        n.words = f"本单位属「{c}」类，取「{self.name_of(by_class[c])}」{fmt(n.value)}"

    def unit_class(self) -> str:
        u = self.r.data.units
        return u.class_names[u.classes[self.u]]

    def _scale(self, a, me, n, p, i):
        child, text = self.operand(a.of, p, i)
        n.children.append(child)
        n.rule = f"{text} × {fmt(a.by)}"
        n.words = f"「{self.name_of(a.of)}」乘以 {fmt(a.by)}，得 {fmt(n.value)}"

    def _clamp(self, a, me, n, p, i):
        child, text = self.operand(a.of, p, i)
        n.children.append(child)
        lo = "−∞" if a.min is None else fmt(a.min)
        hi = "+∞" if a.max is None else fmt(a.max)
        n.rule = f"{text}，限于 [{lo}, {hi}]"
        limits = "，".join(x for x in (f"最低 {fmt(a.min)}" if a.min is not None else "",
                                       f"最高 {fmt(a.max)}" if a.max is not None else "") if x)
        n.words = f"取「{self.name_of(a.of)}」，{limits}，得 {fmt(n.value)}"

    def _fill(self, a, me, n, p, i):
        child, text = self.operand(a.of, p, i)
        n.children.append(child)
        n.rule = f"{text}（无值时计 {fmt(a.value)}）"
        n.words = f"取「{self.name_of(a.of)}」（没有值时按 {fmt(a.value)} 计），得 {fmt(n.value)}"

    def _roll_up(self, a, me, n, p, i):
        src = self.s.shapes[a.of].grain
        k = PERIODS_PER_YEAR[src] // PERIODS_PER_YEAR[a.to]
        for sp in range(p * k, (p + 1) * k):
            n.children.append(self.node(a.of, sp, i))
        n.rule = "各期之和" if a.how == "sum" else "各期的平均（无值的期次不计）"
        n.words = (f"下列各{_GRAIN_WORDS[src]}相加，得 {fmt(n.value)}" if a.how == "sum" else
                   f"下列各{_GRAIN_WORDS[src]}取平均（没有值的不算在内），得 {fmt(n.value)}")

    def _by_position(self, a, me, n, p, i):
        child = self.node(a.of, p, i)
        n.children.append(child)
        top, bottom, size = self.ev.positions_of(a.of, p, a.within, a.better)
        if size[self.u] == 0:
            n.rule = f"无名次，计 {fmt(a.otherwise)}"
            n.words = f"没有名次，计 {fmt(a.otherwise)}"
            return
        pos = top[self.u] if a.side == "top" else bottom[self.u]
        where = "正数第" if a.side == "top" else "倒数第"
        if a.split is not None:
            limits = split_sizes(size[self.u:self.u + 1], a.split)[0]
            tier = int((pos > limits).sum())
            sizes = np.diff(np.r_[0, limits])
            n.rule = (f"{where} {pos} 名（共 {size[self.u]} 个）；分 {a.split} 档，各档 "
                      f"{'、'.join(str(x) for x in sizes)} 个，属第 {tier + 1} 档，计 {fmt(a.points[tier])}")
            n.words = (f"在 {size[self.u]} 个单位中排{where} {pos} 名；按名次分为 {a.split} 档，"
                       f"属第 {tier + 1} 档，得 {fmt(a.points[tier])}")
        else:
            band = next((b for b in a.bands if pos <= b.upto), None)
            n.rule = f"{where} {pos} 名（共 {size[self.u]} 个）" + (
                f"，在{where.removesuffix('第')} {band.upto} 名内，计 {fmt(band.points)}"
                if band else f"，不在各档内，计 {fmt(a.otherwise)}")
            n.words = f"在 {size[self.u]} 个单位中排{where} {pos} 名" + (
                f"，属于{where.removesuffix('第')} {band.upto} 名，得 {fmt(band.points)}"
                if band else f"，不在计分的名次内，计 {fmt(a.otherwise)}")

    def _zero_if(self, a, me, n, p, i):
        child, text = self.operand(a.of, p, i)
        n.children.append(child)
        hits = self.ev.matching_records(a.when, self.u)
        if self.ev.record_condition(a.when)[self.u]:
            n.rule = "一票否决，计 0"
            n.words = "有一票否决的情形（见下列记录），计 0"
            for kind, j in hits:
                t = self.ev.table(kind)
                n.records.append(RecordLine(t.place(j), self.summary(kind, j), None, kind))
        else:
            n.rule = f"无否决情形，取 {text}"
            n.words = f"没有一票否决的情形，取「{self.name_of(a.of)}」{fmt(n.value)}"


def explain(result: Result, unit: str) -> Explanation:
    """The explanation tree of one unit's result."""
    u = result.index_of(unit)
    ex = _Explainer(result, u)
    spec = result.scheme.model.result
    root = ex.node(spec.score, 0)
    ur = result.unit_result(u)
    places = result.scheme.model.rounding.places
    headline = [f"得分 {ur.score if ur.score is not None else '无'}（保留 {places} 位小数；比较与排名用精确值）"]
    if ur.rank:
        headline.append(f"名次 {rank_words(result, u)}"
                        + (f"；类别内第 {ur.rank_in_class} 名" if ur.rank_in_class else "")
                        + (f"；上级组织内第 {ur.rank_in_group} 名" if ur.rank_in_group else ""))
    if ur.grade:
        headline.append(f"等次 {ur.grade}" + grade_reason(result, u))
    if ur.flags:
        notes = {f.name: f.note for f in spec.flags}
        headline += [f"提示：{f}" + (f"（{notes[f]}）" if notes.get(f) else "") for f in ur.flags]
    apart = [ex.node(name, 0) for name in spec.apart]
    for n in [root, *apart]:
        _prune(n)
    appeals = appeals_of(result, u)
    if appeals:
        headline.append(f"申诉 {len(appeals)} 件：" + "；".join(a.state for a in appeals))
    return Explanation(unit, headline, root, apart, appeals)


def rank_words(result: Result, u: int) -> str:
    """A unit's place as a person says it: 第 5 名（共 8 个），倒数第 4 名; a tie is 并列 —
    eight units on the same score are all 并列第 1 名, not 第 1 名 / 8，倒数第 8 名."""
    rank = int(result.rank[u])
    ranked = int((result.rank > 0).sum())
    tied = int((result.rank == rank).sum())
    if tied > 1:
        return f"并列第 {rank} 名（{tied} 个单位得分相同，共 {ranked} 个）"
    return f"第 {rank} 名（共 {ranked} 个），倒数第 {int(result.bottom[u])} 名"


def _prune(n: Node) -> bool:
    """Drop sub-trees that are 0 and rest on no record; say how many were left out.

    Returns whether ``n`` itself carries information (a record, or a non-zero value).
    """
    keep = [_prune(c) for c in n.children]
    kept = [c for c, k in zip(n.children, keep, strict=True) if k]
    dropped = [c for c, k in zip(n.children, keep, strict=True) if not k]
    # a dropped sub-tree is 0, or has no value at all (e.g. a quarter without a check)
    none = sum(c.value is None or np.isnan(c.value) for c in dropped)
    zero = len(dropped) - none
    what = "、".join(x for x in (f"{zero} 项为 0" if zero else "", f"{none} 项无值" if none else "") if x)
    if dropped and kept:
        n.rule += f"（另有 {what}，均无记录，从略）" if none else f"（另有 {zero} 项为 0 且无记录，从略）"
        if n.words:
            n.words += f"（另有 {len(dropped)} 项没有记录、" + (
                "没有值" if none and not zero else "为 0" if not none else "为 0 或没有值") + "，未列出）"
    elif dropped:
        n.rule += f"（{what}，均无记录）" if none else "（各项均为 0 且无记录）"
        if n.words:
            n.words += "（各项都没有记录）"
    n.children = kept
    return bool(kept or n.records or (n.value is not None and not np.isnan(n.value) and n.value != 0))


def grade_reason(result: Result, u: int) -> str:
    g = result.scheme.model.result.grade
    ev = result.evaluation
    bits = []
    score = result.score[u]
    if g.bands is not None:
        for b in g.bands:
            if b.min is not None and score >= b.min:
                bits.append(f"得分 ≥ {fmt(b.min)}")
                break
            if b.above is not None and score > b.above:
                bits.append(f"得分 > {fmt(b.above)}")
                break
    else:
        bits.append(_position_reason(result, u))
    for cap in g.caps:
        if ev.record_condition(cap.when)[u]:
            places = "、".join(ev.table(k).place(j) for k, j in ev.matching_records(cap.when, u))
            bits.append(f"因 {places} 最高为 {cap.at}")
    for force in g.force:
        if ev.record_condition(force.when)[u]:
            places = "、".join(ev.table(k).place(j) for k, j in ev.matching_records(force.when, u))
            bits.append(f"因 {places} 定为 {force.grade}")
    return f"（{'；'.join(bits)}）" if bits else ""


def _position_reason(result: Result, u: int) -> str:
    """A rank-based grade in words: the unit's places and the counts that applied to it."""
    p = result.scheme.model.result.grade.by_position
    top, bottom, size = positions(result.score, result.evaluation.segments(p.within))
    units = result.data.units
    cls = units.class_names[units.classes[u]] if units.classes[u] >= 0 else None

    def count(c) -> int:
        return c if isinstance(c, int) else c.get(cls, 0)

    scope = {"class": f"{cls or ''}类别内", "group": "上级组织内", "all": ""}[p.within]
    text = (f"按{scope}名次评定：第 {top[u]} 名、倒数第 {bottom[u]} 名（共 {size[u]} 个）；"
            f"前 {count(p.top.count)} 名为{p.top.grade}")
    if p.bottom:
        text += f"，后 {count(p.bottom.count)} 名为{p.bottom.grade}"
    text += f"，其余为{p.otherwise}"
    if p.bottom:
        text += f"；名额重叠时先定{p.top.grade}"
    return text
