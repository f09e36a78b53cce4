"""The meaning checks of a scheme: every name resolves, sums add up, periods and shapes match.

``check`` runs after the structural (pydantic) check and collects *every* problem as a
``(path, message)`` pair; ``load_scheme`` turns the paths into file lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import (
    GROUP_COLUMN,
    PERIOD_COLUMN,
    PERIODS_PER_YEAR,
    UNIT_COLUMN,
    Condition,
    Measure,
    RecordKind,
    SchemeModel,
    ValueRule,
    Where,
)
from .scheme import RESERVED_COLUMNS, ClauseInfo, ItemInfo, Scheme, Shape

Path = tuple


def check(model: SchemeModel, filename: str) -> tuple[Scheme | None, list[tuple[Path, str]]]:
    c = _Checker(model)
    c.run()
    if c.problems:
        return None, c.problems
    scheme = Scheme(model=model, filename=filename, items=c.items, clauses=c.clauses,
                    order=c.order, shapes=c.shapes,
                    measures={m.name: m for m in model.measures})
    return scheme, []


_GRAIN_NAMES = {"year": "年度", "half": "半年", "quarter": "季度", "month": "月"}


def _num(x: float) -> str:
    return f"{x:g}"


def _positive_number(text: str) -> bool:
    try:
        x = float(text)
    except ValueError:
        return False
    return 0 < x < float("inf")


class _Checker:
    def __init__(self, model: SchemeModel):
        self.m = model
        self.problems: list[tuple[Path, str]] = []
        self.items: list[ItemInfo] = []
        self.clauses: list[ClauseInfo] = []
        self.order: list[str] = []
        self.shapes: dict[str, Shape] = {}
        self.grades: list[str] = []
        self.item_paths: list[Path] = []

    def bad(self, path: Path, msg: str) -> None:
        self.problems.append((tuple(path), msg))

    # ------------------------------------------------------------------ items
    def run(self) -> None:
        self.check_items()
        self.check_records()
        self.check_belonging()
        self.check_measures()
        self.check_result()

    def check_items(self) -> None:
        m = self.m
        sections = [(("sections", si), s.name, s.points, s.items) for si, s in enumerate(m.sections)]
        if m.items:
            sections = [((), None, None, m.items)]
        seen: dict[str, Path] = {}
        total = 0.0
        for spath, sname, spoints, items in sections:
            sub = 0.0
            for ii, it in enumerate(items):
                path = (*spath, "items", ii)
                for key in filter(None, (it.name, it.code)):
                    if key in seen:
                        self.bad(path, f"项目名称或编号 {key!r} 与 {_fmt(seen[key])} 重复")
                    seen[key] = path
                info = ItemInfo(index=len(self.items), section=sname, spec=it)
                self.items.append(info)
                self.item_paths.append(path)
                if it.points is not None:
                    sub += it.points
                for di, d in enumerate(it.deductions):
                    if it.points is None:
                        self.bad((*path, "deductions", di), "有扣分条款的项目须写 points（分值）")
                    if any(c.spec.code == d.code for c in self.clauses):
                        self.bad((*path, "deductions", di, "code"), f"扣分条款编号 {d.code!r} 重复")
                    self.clauses.append(ClauseInfo(index=len(self.clauses), item=info.index, spec=d))
            if spoints is not None and round(sub, 9) != round(spoints, 9):
                self.bad((*spath, "points"),
                         f"分节「{sname}」分值 {_num(spoints)} 与其项目分值之和 {_num(sub)} 不符")
            total += spoints if spoints is not None else sub
        if m.total_points is not None and round(total, 9) != round(m.total_points, 9):
            self.bad(("total_points",), f"总分 {_num(m.total_points)} 与各分节分值之和 {_num(total)} 不符")

    # ------------------------------------------------------------------ records
    def check_records(self) -> None:
        item_names = {i.name for i in self.items} | {i.spec.code for i in self.items if i.spec.code}
        for kname, kind in self.m.records.items():
            base = ("records", kname)
            names: set[str] = set()
            for fi, f in enumerate(kind.fields):
                if f.name in RESERVED_COLUMNS or f.name in names:
                    self.bad((*base, "fields", fi, "name"),
                             f"字段名 {f.name!r} 重复或为保留列名（{'、'.join(sorted(RESERVED_COLUMNS))}）")
                names.add(f.name)
                if f.type in ("item", "clause") and not self.items:
                    self.bad((*base, "fields", fi, "type"), "方案没有考核项目，不能用 item/clause 字段")
            types = [f.type for f in kind.fields]
            if types.count("item") > 1 or types.count("clause") > 1:
                self.bad((*base, "fields"), "一种记录最多一个 item 字段和一个 clause 字段")
            if kind.item is not None:
                if kind.item not in item_names:
                    self.bad((*base, "item"), f"考核项目 {kind.item!r} 不在方案的项目中")
                if "item" in types:
                    self.bad((*base, "item"), "已固定 item 的记录不能再有 item 字段")
            if "clause" in types and "item" not in types and kind.item is None:
                self.bad((*base, "fields"), "有 clause 字段的记录须有 item 字段或固定 item")
            allowed = {UNIT_COLUMN, GROUP_COLUMN, *names}
            if kind.period != "year":
                allowed.add(PERIOD_COLUMN[kind.period])
            for ui, key in enumerate(kind.unique):
                for ki, col in enumerate(key):
                    if col not in allowed:
                        self.bad((*base, "unique", ui, ki), f"去重键中的列 {col!r} 不存在")
            if kind.appeal is not None:
                self.check_appeal(kname, kind.appeal, (*base, "appeal"))
            if kind.quota is not None:
                q = kind.quota
                f = next((f for f in kind.fields if f.name == q.field), None)
                if f is None or f.type != "choice":
                    self.bad((*base, "quota", "field"), f"配额字段 {q.field!r} 须是本记录的 choice 字段")
                else:
                    for li, lim in enumerate(q.limits):
                        for ci, ch in enumerate(lim.choices):
                            if ch not in (f.options or []):
                                self.bad((*base, "quota", "limits", li, "choices", ci),
                                         f"{ch!r} 不在 {q.field} 的可选值中")

    def check_appeal(self, kind: str, a, path: Path) -> None:
        self.field(kind, a.claim, (*path, "claim"), ("text",))
        if a.answer is not None:
            self.field(kind, a.answer, (*path, "answer"), ("text",))
        for key in ("filed", "answered"):
            if getattr(a, key) is not None:
                self.field(kind, getattr(a, key), (*path, key), ("date",))
        if a.outcome is not None:
            o = a.outcome
            self.field(kind, o.field, (*path, "outcome", "field"), ("choice",))
            f = next((f for f in self.m.records[kind].fields if f.name == o.field), None)
            for key in ("upheld", "rejected"):
                if f is not None and f.type == "choice" and getattr(o, key) not in f.options:
                    self.bad((*path, "outcome", key),
                             f"{getattr(o, key)!r} 不在 {o.field} 的可选值 {'/'.join(f.options)} 中")

    def check_belonging(self) -> None:
        """``recorded_in``, ``record_kinds``, ``at_most``, ``by_setting`` and ``complete``:
        the names resolve and the periods exist in the grains they are counted in."""
        m = self.m
        for name, st in m.settings.items():
            if len(set(st.options)) != len(st.options):
                self.bad(("settings", name, "options"), "options 有重复")
        for info in self.items:
            it = info.spec
            path = self.item_paths[info.index]
            for ki, k in enumerate(it.record_kinds or []):
                if k not in m.records:
                    self.bad((*path, "record_kinds", ki), f"没有名为 {k!r} 的记录（有：{'、'.join(m.records)}）")
            holders = [k for k, spec in m.records.items()
                       if (spec.item is not None and spec.item in (it.name, it.code))
                       or (spec.item is None and any(f.type == "item" for f in spec.fields)
                           and (it.record_kinds is None or k in it.record_kinds))]
            for k in holders:
                spec = m.records[k]
                if spec.item is not None and it.record_kinds is not None and k not in it.record_kinds:
                    self.bad(("records", k, "item"),
                             f"项目「{it.name}」只登记 {'、'.join(it.record_kinds)} 的记录（record_kinds）")
                if it.recorded_in is not None:
                    self.periods(it.recorded_in, spec.period, (*path, "recorded_in"), f"记录「{k}」")
        for kname, kind in m.records.items():
            base = ("records", kname)
            if kind.recorded_in is not None:
                self.periods(kind.recorded_in, kind.period, (*base, "recorded_in"), "本记录")
            if kind.at_most is not None and kind.period == "year" and kind.at_most < 1:
                self.bad((*base, "at_most"), "at_most 须 ≥ 1")
            for sname, options in kind.by_setting.items():
                st = m.settings.get(sname)
                if st is None:
                    self.bad((*base, "by_setting", sname),
                             f"没有名为 {sname!r} 的设置项（settings 中有：{'、'.join(m.settings) or '无'}）")
                    continue
                for opt, lim in options.items():
                    if opt not in st.options:
                        self.bad((*base, "by_setting", sname, opt),
                                 f"{opt!r} 不是设置项 {sname} 的可选值（{'、'.join(st.options)}）")
                    if lim.recorded_in is not None:
                        self.periods(lim.recorded_in, kind.period,
                                     (*base, "by_setting", sname, opt, "recorded_in"), "本记录")
            if kind.complete is not None:
                f = next((f for f in kind.fields if f.name == kind.complete.field), None)
                if f is None or f.type not in ("text", "choice", "item"):
                    self.bad((*base, "complete", "field"),
                             f"complete 的字段 {kind.complete.field!r} 须是本记录的 text/choice/item 字段")

    def periods(self, periods: list[int], grain: str, path: Path, who: str) -> None:
        n = PERIODS_PER_YEAR[grain]
        if grain == "year":
            self.bad(path, f"{who}按年度登记，不能限定期次（recorded_in）")
        elif any(p > n for p in periods):
            self.bad(path, f"{who}按{_GRAIN_NAMES[grain]}登记，期次须在 1—{n} 之间，实际为 {periods}")

    def field(self, kind: str, name: str, path: Path, types: Iterable[str]) -> None:
        """Check that record kind ``kind`` has a field ``name`` of one of ``types``."""
        types = tuple(types)
        spec = self.m.records.get(kind)
        if spec is None:
            return
        f = next((f for f in spec.fields if f.name == name), None)
        if f is None:
            self.bad(path, f"记录「{kind}」没有字段 {name!r}（有：{'、'.join(x.name for x in spec.fields)}）")
        elif f.type not in types:
            self.bad(path, f"字段 {name!r} 的类型是 {f.type}，此处须是 {'/'.join(types)}")

    def weight_field(self, spec: RecordKind, kind: str, name: str, path: Path) -> None:
        """A weight is a number field, or a choice field whose options are positive numbers."""
        f = next((f for f in spec.fields if f.name == name), None)
        if f is None or f.type != "choice":
            self.field(kind, name, path, ("number", "integer", "choice"))
            return
        bad = [o for o in f.options or [] if not _positive_number(o)]
        if bad:
            self.bad(path, f"权重字段 {name!r} 的可选值须是正数（{'、'.join(bad)} 不是）")

    def where(self, kind: str, where: Where, path: Path) -> None:
        spec = self.m.records.get(kind)
        if spec is None:
            return
        for col, val in where.items():
            f = next((f for f in spec.fields if f.name == col), None)
            if f is None:
                self.bad((*path, col), f"记录「{kind}」没有字段 {col!r}")
                continue
            if f.type == "choice":
                for v in val if isinstance(val, list) else [val]:
                    if v not in (f.options or []):
                        self.bad((*path, col), f"{v!r} 不在 {col} 的可选值 {'/'.join(f.options or [])} 中")
            elif f.type == "item":
                for v in val if isinstance(val, list) else [val]:
                    if not any(v in (i.name, i.spec.code) for i in self.items):
                        self.bad((*path, col), f"考核项目 {v!r} 不存在")
            elif f.type == "text":
                self.bad((*path, col), "不能按文字字段筛选")

    def kind(self, name: str, path: Path) -> RecordKind | None:
        spec = self.m.records.get(name)
        if spec is None:
            self.bad(path, f"没有名为 {name!r} 的记录（有：{'、'.join(self.m.records)}）")
        return spec

    # ------------------------------------------------------------------ measures
    def check_measures(self) -> None:
        measures = {}
        for mi, me in enumerate(self.m.measures):
            if me.name in measures:
                self.bad(("measures", mi, "name"), f"度量名 {me.name!r} 重复")
            measures[me.name] = (mi, me)
        # Topological order by depth-first search; a cycle is reported once.
        state: dict[str, int] = {}

        def visit(name: str, stack: list[str]) -> None:
            if state.get(name) == 2:
                return
            mi, me = measures[name]
            if state.get(name) == 1:
                cycle = stack[stack.index(name):] + [name]
                self.bad(("measures", mi), f"度量循环引用：{' → '.join(cycle)}")
                return
            state[name] = 1
            for ref, path in self.refs(me, mi):
                if ref not in measures:
                    self.bad(path, f"没有名为 {ref!r} 的度量")
                else:
                    visit(ref, [*stack, name])
            state[name] = 2
            self.order.append(name)
            if not any(p[0][:2] == ("measures", mi) for p in self.problems):
                self.shape(me, mi)

        for name in measures:
            visit(name, [])

    def refs(self, me: Measure, mi: int) -> list[tuple[str, Path]]:
        a = me.args
        base = ("measures", mi, me.op)
        op = me.op
        if op in ("sum", "difference"):
            return [(r, (*base, i)) for i, r in enumerate(a) if isinstance(r, str)]
        if op == "weighted":
            return [(r, (*base, r)) for r in a]
        if op == "weighted_by_class":
            return [(r, (*base, c, r)) for c, ws in a.items() for r in ws]
        if op == "select_by_class":
            return [(r, (*base, c)) for c, r in a.items() if isinstance(r, str)]
        if hasattr(a, "of"):
            return [(a.of, (*base, "of"))]
        return []

    def shape(self, me: Measure, mi: int) -> None:
        """Infer the measure's shape from its operands and check they agree."""
        base = ("measures", mi, me.op)
        a, op = me.args, me.op
        shapes = self.shapes
        out: Shape | None = None
        if op == "aggregate":
            kind = self.kind(a.records, (*base, "records"))
            if kind is None:
                return
            self.value_rule(a.records, a.value, (*base, "value")) if a.value else None
            if a.weight:
                self.weight_field(kind, a.records, a.weight, (*base, "weight"))
            self.where(a.records, a.where, (*base, "where"))
            if a.by_item and kind.item is None and not any(f.type == "item" for f in kind.fields):
                self.bad((*base, "by_item"), f"记录「{a.records}」没有考核项目，不能 by_item")
            out = Shape(kind.period, a.by_item)
        elif op == "rubric":
            kind = self.kind(a.records, (*base, "records"))
            if kind is None:
                return
            self.field(a.records, a.clause, (*base, "clause"), ("clause",))
            if a.count:
                self.field(a.records, a.count, (*base, "count"), ("number", "integer"))
            if a.amount:
                self.field(a.records, a.amount, (*base, "amount"), ("number",))
            elif any(c.spec.range for c in self.clauses):
                self.bad((*base, "amount"), "方案有 range（区间）扣分条款，须写 amount 字段以录入所扣分值")
            self.where(a.records, a.where, (*base, "where"))
            if kind.period != "year" and not a.sessions:
                self.bad((*base, "sessions"),
                         "按期（月/季/半年）评分的细则须写 sessions：哪些期次进行了评分")
            if a.sessions:
                sk = self.kind(a.sessions, (*base, "sessions"))
                if sk is not None and sk.period != kind.period:
                    self.bad((*base, "sessions"), f"记录「{a.sessions}」的期次与「{a.records}」不同")
            if any(i.spec.points is None for i in self.items):
                self.bad(base, "按细则评分时每个项目都须有 points（分值）")
            out = Shape(kind.period, True)
        elif op in ("sum", "difference"):
            out = self.same([r for r in a if isinstance(r, str)], base, me)
        elif op == "weighted":
            out = self.same(list(a), base, me)
        elif op == "weighted_by_class":
            self.classes(list(a), base)
            out = self.same([r for ws in a.values() for r in ws], base, me)
        elif op == "select_by_class":
            self.classes(list(a), base)
            out = self.same([r for r in a.values() if isinstance(r, str)], base, me)
        elif op in ("scale", "clamp", "fill", "normalise"):
            out = shapes.get(a.of)
        elif op == "zero_if":
            out = shapes.get(a.of)
            self.condition(a.when, (*base, "when"), records_only=True)
        elif op == "total":
            s = shapes.get(a.of)
            if s is not None and not s.by_item:
                self.bad((*base, "of"), f"{a.of!r} 没有分项目，不能按项目合计")
            if a.section is not None and a.section not in {i.section for i in self.items}:
                self.bad((*base, "section"), f"没有名为 {a.section!r} 的分节")
            if a.tag is not None and not any(a.tag in i.spec.tags for i in self.items):
                self.bad((*base, "tag"), f"没有项目带标签 {a.tag!r}")
            out = Shape(s.grain, False) if s else None
        elif op == "roll_up":
            s = shapes.get(a.of)
            if s is not None:
                src, dst = PERIODS_PER_YEAR[s.grain], PERIODS_PER_YEAR[a.to]
                if dst >= src or src % dst:
                    self.bad((*base, "to"), f"不能从{s.describe()}汇总到 {a.to}")
                out = Shape(a.to, s.by_item)
        elif op == "by_position":
            s = shapes.get(a.of)
            if s is not None and s.by_item:
                self.bad((*base, "of"), "排名档次只能用于单位的度量，不能用于分项目的度量")
            if a.bands is not None:
                ups = [b.upto for b in a.bands]
                if ups != sorted(set(ups)):
                    self.bad((*base, "bands"), "bands 的 upto 须严格递增")
            out = s
        if out is not None:
            shapes[me.name] = out

    def same(self, refs: list[str], base: Path, me: Measure) -> Shape | None:
        known = [(r, self.shapes[r]) for r in refs if r in self.shapes]
        if not known:
            if not refs:
                self.bad(base, "至少要引用一个度量")
            return None
        first = known[0][1]
        for r, s in known[1:]:
            if s != first:
                self.bad(base, f"不能合并不同期次/形状的度量：{known[0][0]}（{first.describe()}）"
                               f"与 {r}（{s.describe()}）；请先用 roll_up 或 total")
        return first

    def classes(self, names: list[str], base: Path) -> None:
        declared = self.m.units.classes
        if not declared:
            self.bad(base, "按类别计算须在 units.classes 中列出单位类别")
            return
        for c in names:
            if c not in declared:
                self.bad((*base, c), f"单位类别 {c!r} 不在 units.classes 中")
        for c in declared:
            if c not in names:
                self.bad(base, f"未给单位类别 {c!r} 指定算法")

    def value_rule(self, kind: str, rule: ValueRule, path: Path) -> None:
        k = rule.kind
        num, date = ("number", "integer"), ("date",)
        if k == "field":
            self.field(kind, rule.field, (*path, "field"), num)
        elif k == "points_by":
            spec = self.m.records.get(kind)
            for fname, points in rule.points_by.items():
                self.field(kind, fname, (*path, "points_by", fname), ("choice",))
                f = next((f for f in spec.fields if f.name == fname), None) if spec else None
                if f is not None and f.type == "choice":
                    missing = [o for o in f.options or [] if o not in points]
                    extra = [o for o in points if o not in (f.options or [])]
                    if missing:
                        self.bad((*path, "points_by", fname), f"未给可选值 {'、'.join(missing)} 赋分")
                    if extra:
                        self.bad((*path, "points_by", fname), f"{'、'.join(extra)} 不是 {fname} 的可选值")
                    if not f.required:
                        self.bad((*path, "points_by", fname), f"赋分字段 {fname!r} 须是必填字段")
        elif k == "time":
            t = rule.time
            if t.deadline:
                self.field(kind, t.deadline, (*path, "time", "deadline"), date)
            elif self.m.records[kind].period != "month":
                self.bad((*path, "time", "deadline_day"), "deadline_day 只能用于按月的记录")
            self.field(kind, t.done, (*path, "time", "done"), date)
            if t.severe:
                self.field(kind, t.severe, (*path, "time", "severe"), ("bool",))
            if (t.severe is None) != (t.severe_cap is None):
                self.bad((*path, "time"), "severe 与 severe_cap 须同时写")
        elif k == "quantity":
            q = rule.quantity
            self.field(kind, q.required, (*path, "quantity", "required"), num)
            self.field(kind, q.reported, (*path, "quantity", "reported"), num)
            if q.deadline:
                self.field(kind, q.deadline, (*path, "quantity", "deadline"), date)
            if q.deadline_day and self.m.records[kind].period != "month":
                self.bad((*path, "quantity", "deadline_day"), "deadline_day 只能用于按月的记录")
            if q.reported_on:
                self.field(kind, q.reported_on, (*path, "quantity", "reported_on"), date)
        elif k == "efficacy":
            e = rule.efficacy
            self.field(kind, e.field, (*path, "efficacy", "field"), num)
            self.field(kind, e.peers, (*path, "efficacy", "peers"), ("text", "item", "choice"))
            for key in ("best", "worst"):
                if getattr(e, key):
                    self.field(kind, getattr(e, key), (*path, "efficacy", key), num)

    # ------------------------------------------------------------------ conditions
    def condition(self, c: Condition, path: Path, *, records_only: bool = False,
                  in_history: bool = False) -> None:
        k = c.kind
        if k == "exists":
            if in_history:
                self.bad(path, "连续年份（running）条件中不能用 exists：往年结果不含记录")
            if self.kind(c.exists.records, (*path, "exists", "records")):
                self.where(c.exists.records, c.exists.where, (*path, "exists", "where"))
        elif k in ("all", "any"):
            for i, sub in enumerate(getattr(c, k)):
                self.condition(sub, (*path, k, i), records_only=records_only, in_history=in_history)
        elif k == "not_":
            self.condition(c.not_, (*path, "not"), records_only=records_only, in_history=in_history)
        elif records_only:
            self.bad(path, f"此处只能用记录条件（exists/all/any/not），不能用 {k}")
        elif k == "running":
            if in_history:
                self.bad(path, "running 不能嵌套")
            self.condition(c.running.when, (*path, "running", "when"), in_history=True)
        elif k == "grade_in":
            if not self.grades:
                self.bad(path, "方案没有等次，不能用 grade_in")
            for g in c.grade_in:
                if self.grades and g not in self.grades:
                    self.bad((*path, "grade_in"), f"等次 {g!r} 不存在（有：{'、'.join(self.grades)}）")

    # ------------------------------------------------------------------ result
    def check_result(self) -> None:
        r = self.m.result
        for key, names in (("score", [r.score]), ("show", r.show), ("apart", r.apart)):
            for i, name in enumerate(names):
                path = ("result", key) if key == "score" else ("result", key, i)
                s = self.shapes.get(name)
                if name not in {m.name for m in self.m.measures}:
                    self.bad(path, f"没有名为 {name!r} 的度量")
                elif s is not None and s.by_item:
                    self.bad(path, f"{name!r} 是分项目的度量，须先 total")
                elif key != "show" and s is not None and s.grain != "year":
                    self.bad(path, f"{name!r} 是{s.describe()}度量，须先 roll_up 到年度")
        g = r.grade
        if g is not None:
            if g.bands is not None:
                self.grades = [b.grade for b in g.bands]
                bounds = [b.min if b.min is not None else b.above for b in g.bands[:-1]]
                if bounds != sorted(bounds, reverse=True):
                    self.bad(("result", "grade", "bands"), "等次分数线须从高到低排列")
            else:
                p = g.by_position
                self.grades = [p.top.grade] + ([p.bottom.grade] if p.bottom else []) + [p.otherwise]
                for key, pg in (("top", p.top), ("bottom", p.bottom)):
                    if pg is not None and isinstance(pg.count, dict):
                        if p.within != "class":
                            self.bad(("result", "grade", "by_position", key, "count"),
                                     "按类别给名额时 within 须为 class")
                        self.classes(list(pg.count), ("result", "grade", "by_position", key, "count"))
            for i, cap in enumerate(g.caps):
                self.condition(cap.when, ("result", "grade", "caps", i, "when"), records_only=True)
                if cap.at not in self.grades:
                    self.bad(("result", "grade", "caps", i, "at"), f"等次 {cap.at!r} 不存在")
            for i, f in enumerate(g.force):
                self.condition(f.when, ("result", "grade", "force", i, "when"), records_only=True)
                if f.grade not in self.grades:
                    self.bad(("result", "grade", "force", i, "grade"), f"等次 {f.grade!r} 不存在")
        for i, f in enumerate(r.flags):
            self.condition(f.when, ("result", "flags", i, "when"))


def _fmt(path: Path) -> str:
    from .yamlsrc import format_path

    return format_path(path)


__all__ = ["check"]
