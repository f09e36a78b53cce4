"""A scheme loaded, checked and indexed: the form every other part of the engine uses.

``load_scheme`` reads a file (or text), checks its structure with the typed model and its
meaning with :mod:`kaoping.engine.validation`, and raises one ``SchemeError`` listing every
problem with file, line and path. A ``Scheme`` is immutable once built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .errors import Problem, SchemeError
from .model import (
    GROUP_COLUMN,
    PERIOD_COLUMN,
    UNIT_COLUMN,
    Deduction,
    Item,
    Measure,
    RecordField,
    RecordKind,
    SchemeModel,
)
from .yamlsrc import format_path, line_of, load_with_lines


@dataclass(frozen=True)
class ItemInfo:
    """An item with its position: index in the scheme, section, and its clauses."""

    index: int
    section: str | None
    spec: Item

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return f"{self.spec.code} {self.spec.name}" if self.spec.code else self.spec.name


@dataclass(frozen=True)
class ClauseInfo:
    index: int
    item: int
    spec: Deduction


@dataclass(frozen=True)
class Shape:
    """What a measure holds per unit: its period grain, and whether it has an item axis."""

    grain: str
    by_item: bool = False

    def describe(self) -> str:
        grains = {"year": "年度", "half": "半年", "quarter": "季度", "month": "月度"}
        return grains[self.grain] + ("·分项目" if self.by_item else "")


@dataclass(frozen=True)
class KindRule:
    """When and how often a unit's records of a kind may occur."""

    #: the periods (1-based, of the kind's grain) the records belong in; None: any
    periods: frozenset[int] | None
    #: at most this many records per unit in the year; None: no limit
    at_most: int | None
    #: the setting that decided, for messages (e.g. "层级：机关党委，每年一次半年督查")
    because: str | None


@dataclass
class Scheme:
    """A valid scheme, ready to evaluate."""

    model: SchemeModel
    filename: str
    items: list[ItemInfo]
    clauses: list[ClauseInfo]
    order: list[str]
    shapes: dict[str, Shape]
    measures: dict[str, Measure] = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups
    @property
    def id(self) -> str:
        return self.model.id

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def records(self) -> dict[str, RecordKind]:
        return self.model.records

    def item_by_key(self, key: str) -> ItemInfo | None:
        """An item by name, code or "code name" (as the template's drop-down shows it)."""
        return _item_keys(self).get(str(key).strip())

    def clause_by_code(self, code: str) -> ClauseInfo | None:
        key = str(code).strip()
        for c in self.clauses:
            if c.spec.code == key or f"{c.spec.code} {c.spec.text}" == key:
                return c
        return None

    def fields_of(self, kind: str) -> list[RecordField]:
        return list(self.model.records[kind].fields)

    def columns_of(self, kind: str) -> list[str]:
        """Every column of a record sheet in order: unit, period, then the kind's fields."""
        spec = self.model.records[kind]
        cols = [UNIT_COLUMN]
        if spec.period != "year":
            cols.append(PERIOD_COLUMN[spec.period])
        return cols + [f.name for f in spec.fields]

    def item_field(self, kind: str) -> RecordField | None:
        return next((f for f in self.model.records[kind].fields if f.type == "item"), None)

    # ------------------------------------------------------------------ when records belong
    def setting(self, name: str) -> str | None:
        """The chosen value of one of the scheme's ``settings`` (None: no such setting)."""
        s = self.model.settings.get(name)
        return None if s is None else s.value

    def kind_limits(self, kind: str) -> KindRule:
        """When and how often a unit's records of ``kind`` may occur, the scheme's settings
        applied (``by_setting``: the chosen option's limits replace the kind's own)."""
        spec = self.model.records[kind]
        rule = KindRule(None if spec.recorded_in is None else frozenset(spec.recorded_in),
                        spec.at_most, None)
        for name, options in spec.by_setting.items():
            chosen = self.setting(name)
            lim = options.get(chosen) if chosen is not None else None
            if lim is None:
                continue
            rule = KindRule(rule.periods if lim.recorded_in is None else frozenset(lim.recorded_in),
                            rule.at_most if lim.at_most is None else lim.at_most,
                            f"{name}：{chosen}" + (f"，{lim.note}" if lim.note else ""))
        return rule

    def periods_for(self, kind: str, item: int | None = None) -> frozenset[int] | None:
        """The periods (1-based, of the kind's grain) in which a record of ``kind`` — of
        ``item``, when given — belongs; None: every period. The engine refuses a record
        outside them, and the progress board expects nothing of the unit then."""
        periods = self.kind_limits(kind).periods
        if item is not None and self.items[item].spec.recorded_in is not None:
            own = frozenset(self.items[item].spec.recorded_in)
            periods = own if periods is None else periods & own
        return periods

    def item_allows(self, item: int, kind: str) -> bool:
        """Whether a record of ``kind`` may hold item ``item`` (its ``record_kinds``)."""
        kinds = self.items[item].spec.record_kinds
        return kinds is None or kind in kinds


def _item_keys(scheme: Scheme) -> dict[str, ItemInfo]:
    cache = scheme.__dict__.get("_item_keys")
    if cache is None:
        cache = {}
        for it in scheme.items:
            cache[it.name] = it
            if it.spec.code:
                cache[it.spec.code] = it
                cache[it.label] = it
        scheme.__dict__["_item_keys"] = cache
    return cache


RESERVED_COLUMNS = {UNIT_COLUMN, GROUP_COLUMN, *PERIOD_COLUMN.values()}


def load_scheme(source: str | Path, *, text: str | None = None) -> Scheme:
    """Load and check a scheme file; raise ``SchemeError`` listing every problem."""
    filename = str(source)
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SchemeError([Problem(filename, "文件不存在")]) from None
        except UnicodeDecodeError:
            raise SchemeError([Problem(filename, "文件不是 UTF-8 编码的文本")]) from None
    data, lines = load_with_lines(text, filename)

    def where(path) -> str:
        line = line_of(lines, path)
        return f"{filename}:{line}" if line else filename

    if not isinstance(data, dict):
        raise SchemeError([Problem(where(()), "方案文件的顶层须是键值映射")])
    try:
        model = SchemeModel.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(
            [Problem(where(_clean(e["loc"])), _pydantic_message(e)) for e in exc.errors()]
        ) from None

    from .validation import check  # late import: validation needs Scheme's helpers

    scheme, problems = check(model, filename)
    if problems:
        raise SchemeError(
            [Problem(where(path), f"{format_path(path)}: {msg}") for path, msg in problems]
        )
    return scheme


_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知的键（拼写错误？）",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "tuple_type": "应为列表",
}


def _pydantic_message(err: dict) -> str:
    path = format_path(_clean(err["loc"]))
    kind = err["type"]
    found = err.get("input")
    if kind == "value_error":
        text = str(err["msg"]).removeprefix("Value error, ")
    elif kind == "literal_error":
        text = f"应为 {err['ctx']['expected'].replace(' or ', ', ')} 之一"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ops = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<",
               "less_than_equal": "≤"}
        bound = next(iter(err["ctx"].values()))
        text = f"应 {ops[kind]} {bound:g}" if isinstance(bound, int | float) else f"应 {ops[kind]} {bound}"
    elif kind in ("too_short", "too_long"):
        text = f"长度不符（{err['msg']}）"
    else:
        text = _PYDANTIC_MESSAGES.get(kind, err["msg"])
    if kind not in ("missing", "value_error") and not isinstance(found, dict | list):
        text += f"，实际为 {found!r}"
    return f"{path}: {text}" if path else text


def _clean(loc) -> tuple:
    return tuple(p for p in loc if not _is_union_tag(p))


def _is_union_tag(part) -> bool:
    # pydantic puts the union member's type name into the path ("float", "str", …).
    return isinstance(part, str) and part in {"float", "str", "int", "bool", "list[str]",
                                              "list[union[str,float]]"}


__all__ = ["Scheme", "KindRule", "ItemInfo", "ClauseInfo", "Shape", "load_scheme", "RESERVED_COLUMNS"]
