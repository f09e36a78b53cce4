"""The typed model of a scheme file: what the YAML may say, checked field by field.

Structure is checked here (by pydantic); meaning (names that resolve, sums that add up,
periods that match) is checked in :mod:`kaoping.engine.validate`. The rule vocabulary is
closed: every operation is one of the classes below, documented in ``docs/scheme-language.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Grain = Literal["year", "half", "quarter", "month"]
#: How many periods of each grain a year has.
PERIODS_PER_YEAR: dict[str, int] = {"year": 1, "half": 2, "quarter": 4, "month": 12}
#: The column that holds the period in a record sheet.
PERIOD_COLUMN: dict[str, str] = {"half": "半年", "quarter": "季度", "month": "月份"}
UNIT_COLUMN = "单位"
GROUP_COLUMN = "上级组织"
CLASS_COLUMN = "类别"

Number = float
Ref = str | float  # a measure's name, or a constant
Where = dict[str, str | float | bool | list[str | float]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- rubric


class Deduction(_Strict):
    """One clause of an item's standard: a fixed amount per occurrence, an amount chosen
    in a range, or the item to zero."""

    code: str
    text: str
    per: Number | None = Field(default=None, gt=0)
    range: tuple[Number, Number] | None = None
    zero: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Deduction:
        kinds = [self.per is not None, self.range is not None, self.zero]
        if sum(kinds) != 1:
            raise ValueError("每条扣分条款须且只须有 per、range、zero 之一")
        if self.range is not None and not (0 <= self.range[0] <= self.range[1]):
            raise ValueError(f"range 须满足 0 ≤ 下限 ≤ 上限，实际为 {list(self.range)}")
        return self


class Item(_Strict):
    code: str | None = None
    name: str
    points: Number | None = Field(default=None, ge=0)
    weight: Number | None = Field(default=None, gt=0)
    tags: list[str] = []
    content: str | None = None
    standard: str | None = None
    note: str | None = None
    deductions: list[Deduction] = []
    #: the periods (1-based, of the grain of the record kinds that name the item) in which
    #: a record of this item belongs, e.g. ``[3, 6, 9, 12]`` for a quarter's last month;
    #: a record in another period is refused, and the progress board expects nothing then
    recorded_in: list[int] | None = None
    #: the only record kinds that may hold this item's records (e.g. the deductions row
    #: 扣分因素 holds 月度扣分 only); a record of another kind naming it is refused
    record_kinds: list[str] | None = None

    @model_validator(mode="after")
    def _periods_positive(self) -> Item:
        _check_periods(self.recorded_in)
        return self


def _check_periods(periods: list[int] | None) -> None:
    if periods is not None:
        if not periods:
            raise ValueError("recorded_in 须至少列出一期")
        if any(p < 1 for p in periods) or len(set(periods)) != len(periods):
            raise ValueError(f"recorded_in 须是不重复的正整数期次，实际为 {periods}")


class Section(_Strict):
    name: str
    points: Number | None = Field(default=None, ge=0)
    items: list[Item]


# --------------------------------------------------------------------------- records


FieldType = Literal["item", "clause", "choice", "number", "integer", "date", "bool", "text"]


class RecordField(_Strict):
    name: str
    type: FieldType
    required: bool = True
    options: list[str] | None = None
    min: Number | None = None
    max: Number | None = None
    max_length: int | None = Field(default=None, gt=0)
    default: Number | str | bool | None = None
    help: str | None = None
    #: who fills this field in, when not the kind's ``entered_by`` (e.g. an organisation's
    #: grade on an indicator the unit declared itself)
    entered_by: Literal["unit", "assessor"] | None = None
    #: filled by the application, not typed: ``submitted_on`` = the date the record was
    #: submitted (a file input gives it like any other column)
    auto: Literal["submitted_on"] | None = None

    @model_validator(mode="after")
    def _options_for_choice(self) -> RecordField:
        if self.type == "choice" and not self.options:
            raise ValueError("choice 字段须列出 options")
        if self.type != "choice" and self.options is not None:
            raise ValueError("只有 choice 字段可以有 options")
        if self.auto == "submitted_on" and self.type != "date":
            raise ValueError("auto: submitted_on 只能用于 date 字段")
        return self


class QuotaLimit(_Strict):
    choices: list[str]
    share: Number = Field(gt=0, le=1)


class Quota(_Strict):
    """A distribution quota over a choice field (e.g. 3:5:2), per group of units."""

    field: str
    per: Literal["group", "all"] = "group"
    limits: list[QuotaLimit]


class AppealOutcome(_Strict):
    """Which option of a choice field says how an appeal ended."""

    field: str
    #: the option meaning the appeal was upheld (a record or a score is corrected)
    upheld: str
    #: the option meaning it was rejected (the result stands)
    rejected: str


class AppealFields(_Strict):
    """The fields of a record kind that is the scheme's appeal register (申诉登记): the unit's
    claim and date, the assessing organisation's answer, its date and outcome. Such records
    are never scored; results and explanations show them beside the unit's score."""

    claim: str
    filed: str | None = None
    answer: str | None = None
    answered: str | None = None
    outcome: AppealOutcome | None = None

class KindLimits(_Strict):
    """When and how often a unit's records of a kind may occur (one option of a setting)."""

    #: the periods (1-based, of the kind's grain) in which the kind's records belong
    recorded_in: list[int] | None = None
    #: at most this many records per unit in the year
    at_most: int | None = Field(default=None, ge=1)
    #: what the option means, for the messages (e.g. "机关党委每年一次半年督查")
    note: str | None = None

    @model_validator(mode="after")
    def _periods_positive(self) -> KindLimits:
        _check_periods(self.recorded_in)
        return self


class RecordKind(_Strict):
    description: str | None = None
    period: Grain = "year"
    #: who enters these records: the assessed unit (填报员) or the assessing organisation
    #: (考核管理员: deductions, showcase ranks, vetoes, corrections …)
    entered_by: Literal["unit", "assessor"] = "unit"
    #: whether the kind is expected of every unit every period (``every_period``) or only
    #: when something happened (``when_applicable``: an appeal, an innovation bonus, a
    #: deduction). It decides what counts as missing or overdue on the progress board, the
    #: to-do list and the reminders; scoring never reads it.
    expected: Literal["every_period", "when_applicable"] = "every_period"
    item: str | None = None
    fields: list[RecordField] = []
    unique: list[list[str]] = []
    quota: Quota | None = None
    #: this kind is the scheme's appeal register: which fields hold what (see AppealFields)
    appeal: AppealFields | None = None
    #: the periods (1-based, of the kind's grain) in which the kind's records belong
    recorded_in: list[int] | None = None
    #: at most this many records per unit in the year
    at_most: int | None = Field(default=None, ge=1)
    #: limits that depend on a setting's value: ``{setting: {option: KindLimits}}``
    by_setting: dict[str, dict[str, KindLimits]] = {}
    #: every unit has a record for every value of this field that a unit of the same
    #: ``within`` scope has (e.g. each routine indicator): a missing one is refused
    complete: Complete | None = None

    @model_validator(mode="after")
    def _periods_positive(self) -> RecordKind:
        _check_periods(self.recorded_in)
        return self


class Complete(_Strict):
    """Every unit of a scope reports every value of ``field`` that any unit of it reports."""

    field: str
    within: Literal["all", "group", "class"] = "group"


# --------------------------------------------------------------------------- record rules


class _Deadline(_Strict):
    """A deadline is a date field of the record, or a day of the record's month."""

    deadline: str | None = None
    deadline_day: int | None = Field(default=None, ge=1, le=31)


class TimeRule(_Deadline):
    done: str
    base: Number = 1
    per_day: Number = Field(gt=0)
    floor: Number = 0
    severe: str | None = None
    severe_cap: Number | None = None
    undone: Number = 0

    @model_validator(mode="after")
    def _one_deadline(self) -> TimeRule:
        if (self.deadline is None) == (self.deadline_day is None):
            raise ValueError("时间规则须写 deadline（日期字段）或 deadline_day（每月几日）之一")
        return self


class QuantityRule(_Deadline):
    required: str
    reported: str
    reported_on: str | None = None
    base: Number = 1
    per_short: Number | None = Field(default=None, gt=0)
    late_cap: Number | None = None
    #: a record whose ``reported_on`` date is blank (never reported) scores this
    unreported: Number = 0

    @model_validator(mode="after")
    def _deadline_if_late_cap(self) -> QuantityRule:
        if self.deadline is not None and self.deadline_day is not None:
            raise ValueError("deadline 与 deadline_day 只能写一个")
        has_deadline = self.deadline is not None or self.deadline_day is not None
        if (self.late_cap is not None) != (has_deadline and self.reported_on is not None):
            raise ValueError("late_cap 须与 reported_on 及截止日期（deadline/deadline_day）同时写")
        return self


class EfficacyRule(_Strict):
    field: str
    peers: str
    within: Literal["all", "group", "class"] = "group"
    best: str | None = None
    worst: str | None = None
    low: Number = 60
    span: Number = 40


class ValueRule(_Strict):
    """How one record turns into a number (exactly one of these keys)."""

    field: str | None = None
    constant: Number | None = None
    points_by: dict[str, dict[str, Number]] | None = None
    time: TimeRule | None = None
    quantity: QuantityRule | None = None
    efficacy: EfficacyRule | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ValueRule:
        set_ = [k for k in RULE_KINDS if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(f"须且只须写一种记录规则：{' / '.join(RULE_KINDS)}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in RULE_KINDS if getattr(self, k) is not None)


RULE_KINDS = ("field", "constant", "points_by", "time", "quantity", "efficacy")


# --------------------------------------------------------------------------- conditions


class Exists(_Strict):
    records: str
    where: Where = {}


class Running(_Strict):
    years: int = Field(ge=2)
    when: Condition


class Condition(_Strict):
    """A yes/no test per unit (exactly one key)."""

    exists: Exists | None = None
    top: int | None = Field(default=None, ge=1)
    bottom: int | None = Field(default=None, ge=1)
    #: ``last: true`` — last place: the lowest score, shared by every unit tied at it
    #: (unlike ``bottom: 1``, which a tie at the lowest score does not meet; decision 1)
    last: bool | None = None
    below_mean: bool | None = None
    grade_in: list[str] | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    running: Running | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        set_ = [k for k in CONDITION_KINDS if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError("条件须且只须写一种：exists / top / bottom / last / below_mean / "
                             "grade_in / all / any / not / running")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in CONDITION_KINDS if getattr(self, k) is not None)


CONDITION_KINDS = ("exists", "top", "bottom", "last", "below_mean", "grade_in", "all", "any",
                   "not_", "running")


# --------------------------------------------------------------------------- measures


Within = Literal["all", "group", "class"]


class Aggregate(_Strict):
    records: str
    value: ValueRule | None = None
    how: Literal["sum", "mean", "count", "max", "min", "weighted_mean"] = "sum"
    #: with ``how: weighted_mean``: a number field, or a choice field whose options are
    #: positive numbers (e.g. ``options: ["5", "3", "1"]``; the chosen option is the weight)
    weight: str | None = None
    by_item: bool = False
    where: Where = {}
    empty: Literal["zero", "skip"] = "zero"

    @model_validator(mode="after")
    def _value_unless_count(self) -> Aggregate:
        if (self.how == "count") != (self.value is None):
            raise ValueError("how: count 不写 value；其余汇总方式须写 value")
        if (self.how == "weighted_mean") != (self.weight is not None):
            raise ValueError("weight 须且只须与 how: weighted_mean 同时写")
        return self


class Rubric(_Strict):
    records: str
    clause: str
    count: str | None = None
    amount: str | None = None
    where: Where = {}
    sessions: str | None = None


class Total(_Strict):
    of: str
    how: Literal["sum", "mean"] = "sum"
    section: str | None = None
    tag: str | None = None


class Normalise(_Strict):
    of: str
    within: Within = "group"


class Scale(_Strict):
    of: str
    by: Number


class Clamp(_Strict):
    of: str
    min: Number | None = None
    max: Number | None = None


class Fill(_Strict):
    of: str
    value: Number = 0


class RollUp(_Strict):
    of: str
    to: Grain
    how: Literal["sum", "mean"] = "sum"


class Band(_Strict):
    upto: int = Field(ge=1)
    points: Number


class ByPosition(_Strict):
    of: str
    side: Literal["top", "bottom"] = "top"
    better: Literal["higher", "lower"] = "higher"
    within: Within = "all"
    bands: list[Band] | None = None
    split: int | None = Field(default=None, ge=2)
    points: list[Number] | None = None
    otherwise: Number = 0

    @model_validator(mode="after")
    def _bands_or_split(self) -> ByPosition:
        if (self.bands is None) == (self.split is None):
            raise ValueError("须写 bands（按名次段）或 split（均分档次）之一")
        if self.split is not None and (self.points is None or len(self.points) != self.split):
            raise ValueError(f"split: {self.split} 须配 {self.split} 个 points")
        return self


class ZeroIf(_Strict):
    of: str
    when: Condition


class Measure(_Strict):
    """A named value per unit (and period, and item), made by exactly one operation."""

    name: str
    label: str
    note: str | None = None
    aggregate: Aggregate | None = None
    rubric: Rubric | None = None
    total: Total | None = None
    normalise: Normalise | None = None
    sum: list[Ref] | None = None
    difference: tuple[Ref, Ref] | None = None
    weighted: dict[str, Number] | None = None
    weighted_by_class: dict[str, dict[str, Number]] | None = None
    select_by_class: dict[str, Ref] | None = None
    scale: Scale | None = None
    clamp: Clamp | None = None
    fill: Fill | None = None
    roll_up: RollUp | None = None
    by_position: ByPosition | None = None
    zero_if: ZeroIf | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Measure:
        set_ = [k for k in OPERATIONS if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(f"每个度量须且只须写一种运算：{' / '.join(OPERATIONS)}"
                             + (f"（现有 {', '.join(set_)}）" if set_ else ""))
        return self

    @property
    def op(self) -> str:
        return next(k for k in OPERATIONS if getattr(self, k) is not None)

    @property
    def args(self):
        return getattr(self, self.op)


OPERATIONS = ("aggregate", "rubric", "total", "normalise", "sum", "difference", "weighted",
              "weighted_by_class", "select_by_class", "scale", "clamp", "fill", "roll_up",
              "by_position", "zero_if")


# --------------------------------------------------------------------------- result


class GradeBand(_Strict):
    grade: str
    min: Number | None = None
    above: Number | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> GradeBand:
        if self.min is not None and self.above is not None:
            raise ValueError("min（含）与 above（不含）只能写一个")
        return self


class GradeCap(_Strict):
    when: Condition
    at: str


class GradeForce(_Strict):
    when: Condition
    grade: str


class PositionGrade(_Strict):
    grade: str
    count: dict[str, int] | int


class GradeByPosition(_Strict):
    within: Within = "all"
    top: PositionGrade
    bottom: PositionGrade | None = None
    otherwise: str


class Grading(_Strict):
    bands: list[GradeBand] | None = None
    by_position: GradeByPosition | None = None
    caps: list[GradeCap] = []
    force: list[GradeForce] = []

    @model_validator(mode="after")
    def _bands_or_position(self) -> Grading:
        if (self.bands is None) == (self.by_position is None):
            raise ValueError("等次须写 bands（按分数段）或 by_position（按名次）之一")
        if self.bands is not None:
            if not self.bands or self.bands[-1].min is not None or self.bands[-1].above is not None:
                raise ValueError("bands 的最后一档须不设下限（兜底等次）")
            if any(b.min is None and b.above is None for b in self.bands[:-1]):
                raise ValueError("bands 除最后一档外都须写 min 或 above")
        return self


class Flag(_Strict):
    name: str
    when: Condition
    note: str | None = None
    #: the flag puts the unit into rectification (e.g. A's 纳入党建整改范围): the web
    #: application opens a problem in the rectification ledger when it is published
    rectify: bool = False


class ResultSpec(_Strict):
    score: str
    show: list[str] = []
    apart: list[str] = []
    rank_within: list[Literal["class", "group"]] = []
    #: the scope of the rank, the place from the bottom and the position conditions (top,
    #: bottom, last, below_mean): all units, or within each 上级组织 (group) or class
    positions: Within = "all"
    grade: Grading | None = None
    flags: list[Flag] = []


class Setting(_Strict):
    """A value the scheme's user chooses (e.g. the level assessed), among ``options``."""

    value: str
    options: list[str]
    help: str | None = None

    @model_validator(mode="after")
    def _value_in_options(self) -> Setting:
        if self.value not in self.options:
            raise ValueError(f"value {self.value!r} 不在 options（{'、'.join(self.options)}）中")
        return self


class Rounding(_Strict):
    places: int = Field(default=2, ge=0, le=6)


class UnitsSpec(_Strict):
    label: str = "单位"
    classes: list[str] = []


class SchemeModel(_Strict):
    kaoping: Literal[1]
    id: str
    name: str
    source: str | None = None
    description: str | None = None
    rounding: Rounding = Rounding()
    settings: dict[str, Setting] = {}
    units: UnitsSpec = UnitsSpec()
    total_points: Number | None = None
    sections: list[Section] = []
    items: list[Item] = []
    records: dict[str, RecordKind]
    measures: list[Measure]
    result: ResultSpec

    @model_validator(mode="after")
    def _sections_or_items(self) -> SchemeModel:
        if self.sections and self.items:
            raise ValueError("sections 与 items 只能写一个（无分节时用 items）")
        return self


RecordKind.model_rebuild()
Running.model_rebuild()
Condition.model_rebuild()

