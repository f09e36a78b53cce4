"""Evaluation ballots: setting one up, issuing its tokens, casting a sheet, closing it.

Casting is the one write that is not audited row by row: an audit row per vote would keep
the time of each vote (and, for a named rater, who voted then), which is exactly the link
anonymity forbids. What is audited is the set-up, every issue of tokens, and the close, with
the counts frozen into the assessment.

One vote per token: the token is switched to used by a conditional UPDATE
(``used=False`` → ``used=True``, exactly one row or nothing) in the same transaction that
inserts the sheet, under a lock on the ballot row; of two submissions at the same instant
one updates the row, the other finds it used and is refused.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ...engine import InputError
from .. import ballot_results
from ..access import can_assess
from ..models import (
    Assessment,
    Ballot,
    BallotSheet,
    BallotToken,
    BallotVote,
    Organisation,
    Period,
    RaterCategory,
    Record,
)
from ..recordcheck import Candidate, check, kind_periods
from .base import ActionError, audit
from .records import (
    ProblemsRefused,
    _remove_files_after_commit,
    check_open,
    clean_scheme_period,
    snapshot,
)

#: no 0/O, 1/I/L: a code read off paper is typed without doubt
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_TOKENS = 2000
#: written values are rounded to this many decimals
PLACES = 4

NOT_OPEN = "测评尚未开始"
CLOSED = "测评已结束"
USED = "该投票码已使用，每个投票码只能投一次"
UNKNOWN = "投票码无效，请核对后重新输入"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return re.sub(r"[\s\-]", "", text or "").upper()


# ------------------------------------------------------------------ defaults from the scheme


def _numeric(spec) -> list:
    return [f for f in spec.fields if f.type in ("number", "integer")]


def _points_by(scheme, kind: str) -> tuple[str, dict[str, float]] | None:
    """A choice field of ``kind`` with its points, from a measure that aggregates the kind."""
    for m in scheme.model.measures:
        a = m.aggregate
        if a is not None and a.records == kind and a.value is not None and a.value.points_by:
            fname, mapping = next(iter(a.value.points_by.items()))
            return fname, {k: float(v) for k, v in mapping.items()}
    return None


@dataclass(frozen=True)
class SharePart:
    """One part of the scheme's weighted measure: its label, its weight (of 100) and, when the
    ballot's kind feeds it, the target — (field, "") for a field of its own, (field, option)
    for the records of one option of a choice field."""

    label: str
    weight: float
    target: tuple[str, str] | None


@dataclass(frozen=True)
class Share:
    """The weighted measure of the scheme that combines what a kind feeds (F 年末考核分:
    考核组评分 50 from its own records, 党建监督员评分 40, 党员干部评分 5, 服务对象评分 5)."""

    label: str
    parts: tuple[SharePart, ...]

    @property
    def fed(self) -> list[SharePart]:
        return [p for p in self.parts if p.target is not None]

    @property
    def elsewhere(self) -> list[SharePart]:
        """The parts the ballot does not feed: they come from their own records."""
        return [p for p in self.parts if p.target is None]

    def weight_of(self, target: tuple[str, str]) -> float | None:
        return next((p.weight for p in self.fed if p.target == target), None)


def scheme_share(scheme, kind: str) -> Share | None:
    """The ``weighted`` measure over measures that aggregate ``kind`` (D 民主测评: 评价主体
    领导自评 0.4 / 民主评议 0.6; F 年末考核分: the three rater fields and the team's score)."""
    fed: dict[str, tuple[str, str]] = {}
    labels: dict[str, str] = {}
    for m in scheme.model.measures:
        labels[m.name] = m.label
        a = m.aggregate
        if a is None or a.records != kind or a.value is None or not a.value.field:
            continue
        where = next(iter(a.where.items()), None)
        if where is not None and isinstance(where[1], str):
            fed[m.name] = (where[0], where[1])
        else:
            fed[m.name] = (a.value.field, "")
    for m in scheme.model.measures:
        weights = m.weighted or {}
        if any(name in fed for name in weights):
            return Share(m.label, tuple(
                SharePart(labels.get(name, name), round(float(w) * 100, 6), fed.get(name))
                for name, w in weights.items()))
    return None


def _weights(scheme, kind: str) -> dict[tuple[str, str], float]:
    """(field, option) or (field, "") → weight of 100, from :func:`scheme_share`."""
    share = scheme_share(scheme, kind)
    return {p.target: p.weight for p in share.fed} if share is not None else {}


@dataclass(frozen=True)
class Target:
    """Where a rater category's results go: a field (write = fields) or an option of the
    category field (value written per category), with the scheme's weight when it sets one."""

    value: str
    label: str
    weight: float | None = None


def category_targets(assessment: Assessment, kind: str, write: str, category_field: str
                     ) -> list[Target]:
    """The choices for a category's target under ``write``: none when all categories are
    combined into one value or one distribution."""
    scheme = assessment.scheme
    spec = scheme.records.get(kind)
    if spec is None:
        return []
    weights = _weights(scheme, kind)
    if write == Ballot.Write.FIELDS:
        return [Target(f.name, f.name, weights.get((f.name, ""))) for f in _numeric(spec)]
    if write == Ballot.Write.VALUE and category_field:
        f = next((f for f in spec.fields if f.name == category_field and f.type == "choice"),
                 None)
        if f is not None:
            return [Target(o, f"{f.name}＝{o}", weights.get((f.name, o))) for o in f.options]
    return []


def write_choices(assessment: Assessment, kind: str) -> dict[str, Any]:
    """What the set-up form offers where a ballot's results go: the kind's number fields, its
    choice fields, and the kind's own periods over the year by label ("第2季度")."""
    spec = assessment.scheme.records.get(kind)
    if spec is None:
        return {"numeric": [], "choice": [], "periods": []}
    labels: list[str] = []
    for period in assessment.periods.all():
        labels += [label for _, label in kind_periods(assessment, period, kind)
                   if label not in labels]
    return {"numeric": [f.name for f in _numeric(spec)],
            "choice": [f.name for f in spec.fields if f.type == "choice"],
            "periods": labels}


def short_name(name: str) -> str:
    """党建监督员评分 → 党建监督员: a field's name as a rater category's."""
    return re.sub(r"(评分|得分)$", "", name) or name


def ballot_defaults(assessment: Assessment, kind: str) -> dict[str, Any]:
    """The set-up a ballot feeding ``kind`` starts from, as far as the scheme says."""
    scheme = assessment.scheme
    spec = scheme.records[kind]
    numeric = _numeric(spec)
    weights = _weights(scheme, kind)
    d: dict[str, Any] = {"form": Ballot.Form.SCORE, "choices": [], "write": Ballot.Write.VALUE,
                         "value_field": "", "scale": 1.0, "category_field": "",
                         "field_map": {}, "choice_field": "", "count_field": "",
                         "categories": [("测评人", 100.0)]}
    points = _points_by(scheme, kind)
    if points is not None:
        fname, mapping = points
        d.update(form=Ballot.Form.CHOICES, choices=[[k, v] for k, v in mapping.items()],
                 choice_field=fname)
        counts = [f for f in numeric if f.type == "integer"]
        if counts:
            d.update(write=Ballot.Write.DISTRIBUTION, count_field=counts[0].name)
        else:
            d.update(write=Ballot.Write.PLURALITY)
    elif len(numeric) == 1:
        f = numeric[0]
        d.update(value_field=f.name, scale=(float(f.max) if f.max else 100.0) / 100.0)
        cats = [c for c in spec.fields if c.type == "choice"]
        if cats:
            c = cats[0]
            d.update(category_field=c.name,
                     categories=[(o, weights.get((c.name, o), 100.0)) for o in c.options])
    elif len(numeric) > 1:
        d.update(write=Ballot.Write.FIELDS, field_map={short_name(f.name): f.name for f in numeric},
                 categories=[(short_name(f.name), weights.get((f.name, ""), 100.0))
                             for f in numeric], scale=1.0)
    return d


# ------------------------------------------------------------------ set-up


@dataclass
class CategorySpec:
    name: str
    weight: float = 100.0
    tokens: int = 0
    raters: list = field(default_factory=list)  # users who vote logged in
    #: where its results go: a field (write = fields) or an option of the category field
    #: (value written per category; blank: the option named like the category)
    target: str = ""


def _field(spec, name: str, types: Sequence[str], what: str, key: str, kind: str = "") -> Any:
    f = next((f for f in spec.fields if f.name == name), None)
    if f is None or f.type not in types:
        sort = "填数字的项" if "number" in types or "integer" in types else "有可选值的项"
        got = f"「{name}」不是" if name else "未选择，须选"
        raise ActionError(f"{what}：{got}「{kind}」中{sort}",
                          {key: f"请选择「{kind}」中{sort}"})
    return f


def _check_write(ballot: Ballot, spec) -> None:
    """The write settings that are not per row: the fields the results go to."""
    w = ballot.write
    if w == Ballot.Write.VALUE:
        _field(spec, ballot.value_field, ("number", "integer"), "平均分记入哪一项", "value_field", ballot.kind)
        if ballot.category_field:
            _field(spec, ballot.category_field, ("choice",), "测评人类别记入哪一项", "category_field", ballot.kind)
    elif w == Ballot.Write.FIELDS:
        pass  # each category's field is checked on its row
    elif w in (Ballot.Write.DISTRIBUTION, Ballot.Write.PLURALITY):
        if ballot.form != Ballot.Form.CHOICES:
            raise ActionError("按档次写入须采用等次选择", {"write": "须采用等次选择"})
        _field(spec, ballot.choice_field, ("choice",), "等次记入哪一项", "choice_field", ballot.kind)
        if w == Ballot.Write.DISTRIBUTION:
            _field(spec, ballot.count_field, ("integer", "number"), "票数记入哪一项", "count_field", ballot.kind)
    else:
        raise ActionError("请选择结果怎样记入考核", {"write": "请选择"})


class RowErrors:
    """Problems of the set-up's rows: ``choice-<i>`` / ``category-<i>`` → the message shown
    beside row i, and one line per problem (naming the row) for the page's message."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.lines: list[str] = []

    def add(self, key: str, name: str, message: str) -> None:
        if key not in self.fields:
            self.fields[key] = message
            self.lines.append(f"{name}：{message}")

    def general(self, key: str, message: str) -> None:
        self.fields.setdefault(key, message)
        self.lines.append(message)

    def raise_any(self) -> None:
        if self.fields:
            raise ActionError("；".join(self.lines), dict(self.fields))


def clean_choices(form: str, choices: Sequence, spec, write: str, choice_field: str,
                  errors: RowErrors) -> list[list]:
    """The grade rows ``[label, points]`` of a choices ballot, each checked on its row."""
    if form == Ballot.Form.SCORE:
        return []
    if form != Ballot.Form.CHOICES:
        errors.general("form", "测评方式无效")
        return []
    options = None
    if write in (Ballot.Write.DISTRIBUTION, Ballot.Write.PLURALITY):
        f = next((f for f in spec.fields if f.name == choice_field and f.type == "choice"), None)
        options = f.options if f is not None else None
    out: list[list] = []
    seen: set[str] = set()
    for i, c in enumerate(choices):
        label, pts = str(c[0]).strip(), c[1]
        key, name = f"choice-{i}", f"第 {i + 1} 个等次" + (f"「{label}」" if label else "")
        if not label:
            errors.add(key, name, "请填写等次名称")
        elif label in seen:
            errors.add(key, name, "等次重复")
        elif options is not None and label not in options:
            errors.add(key, name, f"须是「{choice_field}」的选项（{'、'.join(options)}）")
        seen.add(label)
        try:
            pts = float(pts)
        except (TypeError, ValueError):
            errors.add(key, name, "分值须是数字")
            continue
        if not 0 <= pts <= 100 or math.isnan(pts):
            errors.add(key, name, "分值须在 0—100 之间")
        out.append([label, pts])
    if len(choices) < 2:
        errors.general("choices", "请设置至少两个等次")
    return out


def check_categories(assessment: Assessment, kind: str, write: str, category_field: str,
                     categories: Sequence[CategorySpec], errors: RowErrors) -> dict[str, str]:
    """Check each rater category on its row; the category → target map to store.

    Where the scheme weighs what the category feeds (F 党建监督员评分 40; D 评价主体 民主评议
    60), the category carries that weight: the engine weighs the written records with the
    scheme's weights, and the ballot's own weighted score must say the same. A category of a
    ``fields`` ballot must feed a field: its votes would otherwise be written nowhere."""
    targets = {t.value: t for t in category_targets(assessment, kind, write, category_field)}
    share = scheme_share(assessment.scheme, kind)
    elsewhere = "、".join(f"{p.label}（{p.weight:g}）" for p in share.elsewhere) if share else ""
    per_target = write == Ballot.Write.FIELDS or (write == Ballot.Write.VALUE and category_field)
    out: dict[str, str] = {}
    seen_names: set[str] = set()
    seen_targets: dict[str, str] = {}
    for i, c in enumerate(categories):
        key, name = f"category-{i}", f"第 {i + 1} 个类别" + (f"「{c.name}」" if c.name else "")
        if not c.name:
            errors.add(key, name, "请填写类别名称")
        elif c.name in seen_names:
            errors.add(key, name, "类别名称重复")
        seen_names.add(c.name)
        if not c.weight >= 0:
            errors.add(key, name, "权重须为非负数")
        if not 0 <= c.tokens <= MAX_TOKENS:
            errors.add(key, name, f"投票码数须在 0—{MAX_TOKENS} 之间")
        if not per_target:
            continue
        target = c.target or (c.name if write == Ballot.Write.VALUE else "")
        if not target:
            hint = f"；方案中的{elsewhere}由其自己的记录计算，不经测评" if elsewhere else ""
            errors.add(key, name, "请选择结果写入的字段" + hint)
            continue
        t = targets.get(target)
        if t is None:
            what = (f"「{category_field}」的选项" if write == Ballot.Write.VALUE
                    else "该记录种类的数字字段")
            errors.add(key, name, f"「{target}」不是{what}（{'、'.join(targets) or '无'}）")
            continue
        if target in seen_targets:
            errors.add(key, name, f"与「{seen_targets[target]}」写入同一处（{t.label}）")
            continue
        seen_targets[target] = c.name
        if t.weight is not None and abs(c.weight - t.weight) > 1e-6:
            errors.add(key, name, f"方案规定「{t.label}」的权重为 {t.weight:g}")
        out[c.name] = target
    if categories and not errors.fields and sum(c.weight for c in categories) <= 0:
        errors.general("categories", "类别权重不能全为 0")
    if not categories:
        errors.general("categories", "请设置至少一个测评人类别")
    return out


@transaction.atomic
def do_create_ballot(actor, assessment: Assessment, *, title: str, kind: str, period: Period,
                     scheme_period: Any = None, units: Iterable[Organisation] | None = None,
                     form: str = Ballot.Form.CHOICES, choices: Sequence = (),
                     categories: Sequence[CategorySpec], opens_at, closes_at,
                     must_rate_all: bool = True, drop_extremes: bool = False,
                     write: str = Ballot.Write.VALUE, value_field: str = "", scale: float = 1.0,
                     category_field: str = "", field_map: dict | None = None,
                     choice_field: str = "", count_field: str = "") -> Ballot:
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以设置测评")
    scheme = assessment.scheme
    if kind not in scheme.records:
        raise ActionError(f"记录种类「{kind}」不在方案中", {"kind": "请选择方案中的记录种类"})
    spec = scheme.records[kind]
    title = (title or "").strip()
    if not title:
        raise ActionError("请填写测评名称", {"title": "必填"})
    if period.assessment_id != assessment.pk:
        raise ActionError("考核期不属于该考核", {"period": "无效"})
    check_open(period)
    scheme_period = clean_scheme_period(assessment, period, kind, scheme_period)
    assessed = set(assessment.units.values_list("organisation_id", flat=True))
    unit_list = (list(Organisation.objects.filter(pk__in=assessed)) if units is None
                 else list(units))
    if not unit_list:
        raise ActionError("请选择被测评单位", {"units": "至少一个"})
    if any(u.pk not in assessed for u in unit_list):
        raise ActionError("被测评单位须是本考核的被考核单位", {"units": "无效"})
    categories = [c if c.target or c.name not in (field_map or {})
                  else CategorySpec(c.name, c.weight, c.tokens, c.raters, field_map[c.name])
                  for c in categories]
    errors = RowErrors()
    choice_rows = clean_choices(form, choices, spec, write, choice_field, errors)
    targets = check_categories(assessment, kind, write, category_field, categories, errors)
    errors.raise_any()
    if opens_at is None or closes_at is None or opens_at >= closes_at:
        raise ActionError("结束时间须晚于开始时间", {"closes_at": "须晚于开始时间"})
    ballot = Ballot(assessment=assessment, title=title, kind=kind, period=period,
                    scheme_period=scheme_period, form=form, choices=choice_rows,
                    must_rate_all=must_rate_all, drop_extremes=drop_extremes,
                    opens_at=opens_at, closes_at=closes_at, write=write,
                    value_field=value_field, scale=float(scale), category_field=category_field,
                    field_map=targets, choice_field=choice_field,
                    count_field=count_field, created_by=actor)
    _check_write(ballot, spec)
    ballot.save()
    ballot.units.set(unit_list)
    for i, c in enumerate(categories):
        cat = RaterCategory.objects.create(ballot=ballot, name=c.name, weight=c.weight, position=i)
        _issue(cat, c.tokens, c.raters)
    audit(actor, "ballot.create", ballot, organisation=assessment.organisation,
          after=describe(ballot))
    return ballot


def describe(ballot: Ballot) -> dict:
    return {"title": ballot.title, "kind": ballot.kind, "period": ballot.period.number,
            "scheme_period": ballot.scheme_period, "form": ballot.form, "choices": ballot.choices,
            "units": sorted(ballot.units.values_list("name", flat=True)),
            "categories": [[c.name, c.weight, c.tokens.count()]
                           for c in ballot.categories.all()],
            "must_rate_all": ballot.must_rate_all, "drop_extremes": ballot.drop_extremes,
            "opens_at": ballot.opens_at.isoformat(), "closes_at": ballot.closes_at.isoformat(),
            "write": ballot.write, "value_field": ballot.value_field, "scale": ballot.scale,
            "category_field": ballot.category_field, "field_map": ballot.field_map,
            "choice_field": ballot.choice_field, "count_field": ballot.count_field}


def _issue(category: RaterCategory, n: int, raters: Iterable = ()) -> list[str]:
    raters = list(raters)
    if n < 0 or n + category.tokens.count() > MAX_TOKENS:
        raise ActionError(f"每类最多 {MAX_TOKENS} 个投票码", {"tokens": "数量无效"})
    taken = set(BallotToken.objects.filter(category=category, user__in=raters)
                .values_list("user_id", flat=True))
    codes = []
    rows = []
    for user in [None] * n + [r for r in raters if r.pk not in taken]:
        code = new_code()
        while code in codes or BallotToken.objects.filter(code=code).exists():
            code = new_code()
        codes.append(code)
        rows.append(BallotToken(category=category, code=code, user=user))
    BallotToken.objects.bulk_create(rows)
    return codes[:n]


@transaction.atomic
def do_issue_tokens(actor, category: RaterCategory, n: int = 0, raters: Iterable = ()
                    ) -> list[str]:
    """Issue ``n`` more anonymous codes (returned) and tokens for named ``raters``."""
    category = RaterCategory.objects.select_related("ballot__assessment__organisation").get(
        pk=category.pk)
    ballot = category.ballot
    if not can_assess(actor, ballot.assessment):
        raise ActionError("只有考核管理员可以发放投票码")
    if ballot.closed:
        raise ActionError(CLOSED)
    raters = list(raters)
    codes = _issue(category, n, raters)
    audit(actor, "ballot.issue", ballot, organisation=ballot.assessment.organisation,
          after={"category": category.name, "tokens": n,
                 "raters": [r.username for r in raters]})
    return codes


# ------------------------------------------------------------------ casting


def window_problem(ballot: Ballot, now=None) -> str | None:
    now = now or timezone.now()
    if ballot.closed or now >= ballot.closes_at:
        return CLOSED
    if now < ballot.opens_at:
        return NOT_OPEN
    return None


def rated_units(ballot: Ballot) -> list[Organisation]:
    return list(ballot.units.order_by("path"))


def parse_sheet(ballot: Ballot, data) -> dict[int, Any]:
    """The answers of a posted sheet: unit id → choice index or score (None: blank).

    The form names its inputs ``u<unit id>``; a choice is posted as its index."""
    out: dict[int, Any] = {}
    for unit in rated_units(ballot):
        raw = (data.get(f"u{unit.pk}") or "").strip()
        if not raw:
            out[unit.pk] = None
            continue
        try:
            out[unit.pk] = int(raw) if ballot.form == Ballot.Form.CHOICES else float(raw)
        except ValueError:
            out[unit.pk] = raw  # refused by check_sheet
    return out


def quota_limits(ballot: Ballot, units: Sequence[Organisation]) -> list[tuple[list[str], int, list[int]]]:
    """The kind's quota as it applies to one sheet: (choices, most allowed, unit ids) per
    limit and group of units — ⌊share × n + ½⌋ of the n rated units of a group (the
    engine's rule for the kind's records)."""
    spec = ballot.assessment.scheme.records.get(ballot.kind)
    q = spec.quota if spec is not None else None
    if q is None or ballot.form != Ballot.Form.CHOICES:
        return []
    groups: dict[Any, list[int]] = {}
    for u in units:
        groups.setdefault(u.parent_id if q.per == "group" else None, []).append(u.pk)
    out = []
    for ids in groups.values():
        for lim in q.limits:
            out.append((list(lim.choices), math.floor(lim.share * len(ids) + 0.5), ids))
    return out


def check_sheet(ballot: Ballot, answers: dict[int, Any]) -> dict[int, Any]:
    """Refuse a sheet that is incomplete, out of range or breaks the quota."""
    units = rated_units(ballot)
    fields: dict[str, str] = {}
    clean: dict[int, Any] = {}
    n = len(ballot.choices)
    for u in units:
        a = answers.get(u.pk)
        if a is None:
            if ballot.must_rate_all:
                fields[f"u{u.pk}"] = "请作出评价"
            continue
        if ballot.form == Ballot.Form.CHOICES:
            if not isinstance(a, int) or not 0 <= a < n:
                fields[f"u{u.pk}"] = "请选择一个等次"
                continue
        elif not isinstance(a, (int, float)) or not 0 <= a <= 100 or math.isnan(a):
            fields[f"u{u.pk}"] = "请填写 0—100 的分数"
            continue
        clean[u.pk] = a
    if fields:
        missing = sum(v == "请作出评价" for v in fields.values())
        msg = f"还有 {missing} 个单位未评价" if missing == len(fields) else "部分评价无效，请检查"
        raise ActionError(msg, fields)
    if not clean:
        raise ActionError("请至少评价一个单位")
    labels = [c[0] for c in ballot.choices]
    over = []
    for chosen, allowed, ids in quota_limits(ballot, units):
        got = sum(1 for uid in ids if uid in clean and labels[clean[uid]] in chosen)
        if got > allowed:
            over.append(f"{'+'.join(chosen)} 已选 {got} 个，最多 {allowed} 个")
    if over:
        raise ActionError("；".join(over))
    return clean


def _hold_open(ballot_id: int) -> Ballot:
    """The ballot, held in share mode for the vote's transaction: votes run side by side,
    while closing (which locks the row for update) waits for those under way and none
    starts after it. SQLite writes one transaction at a time (BEGIN IMMEDIATE) anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT 1 FROM "{Ballot._meta.db_table}" WHERE id = %s FOR SHARE',
                           [ballot_id])
    return Ballot.objects.get(pk=ballot_id)


@transaction.atomic
def do_cast_ballot(token: BallotToken, answers: dict[int, Any], *, now=None) -> None:
    """Count one sheet for ``token`` (anonymous or named): nothing stored refers back to it."""
    ballot = _hold_open(token.category.ballot_id)
    problem = window_problem(ballot, now)
    if problem:
        raise ActionError(problem)
    clean = check_sheet(ballot, answers)
    if BallotToken.objects.filter(pk=token.pk, used=False).update(used=True) != 1:
        raise ActionError(USED)
    sheet = BallotSheet.objects.create(ballot=ballot, category_id=token.category_id)
    choice = ballot.form == Ballot.Form.CHOICES
    BallotVote.objects.bulk_create([
        BallotVote(sheet=sheet, unit_id=uid, choice=a if choice else None,
                   score=None if choice else float(a))
        for uid, a in sorted(clean.items())])


# ------------------------------------------------------------------ closing


def _value(x: float, scale: float) -> float:
    return round(x * scale, PLACES)


def result_rows(ballot: Ballot, results: ballot_results.Results) -> list[tuple[int, dict]]:
    """The records a closed ballot writes: (unit id, field values), in unit order."""
    rows: list[tuple[int, dict]] = []
    labels = [c[0] for c in ballot.choices]
    W = Ballot.Write
    for u in results.units:
        if ballot.write == W.VALUE and ballot.category_field:
            for cat, cell in u.cells.items():
                if cell.mean is not None:
                    rows.append((u.unit, {ballot.category_field: ballot.field_map.get(cat, cat),
                                          ballot.value_field: _value(cell.mean, ballot.scale)}))
        elif ballot.write == W.VALUE:
            if u.weighted is not None:
                rows.append((u.unit, {ballot.value_field: _value(u.weighted, ballot.scale)}))
        elif ballot.write == W.FIELDS:
            values = {fname: _value(u.cells[cat].mean, ballot.scale)
                      for cat, fname in ballot.field_map.items()
                      if cat in u.cells and u.cells[cat].mean is not None}
            if values:
                rows.append((u.unit, values))
        elif ballot.write == W.DISTRIBUTION:
            if sum(u.distribution):
                rows += [(u.unit, {ballot.choice_field: label, ballot.count_field: n})
                         for label, n in zip(labels, u.distribution, strict=True)]
        elif ballot.write == W.PLURALITY and sum(u.distribution):
            # the most votes; a tie goes to the lower grade (choices run from best to worst)
            best = max(range(len(labels)), key=lambda i: (u.distribution[i], i))
            rows.append((u.unit, {ballot.choice_field: labels[best]}))
    return rows


@transaction.atomic
def do_close_ballot(actor, ballot: Ballot, *, now=None) -> list[Record]:
    """End the voting and write the results into the assessment as accepted records of the
    ballot's kind, checked by the engine like any other entry."""
    ballot = Ballot.objects.select_for_update().select_related(
        "assessment__organisation", "period").get(pk=ballot.pk)
    assessment = ballot.assessment
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以结束测评")
    if ballot.closed:
        raise ActionError("测评已结束，结果已写入")
    check_open(ballot.period)
    now = now or timezone.now()
    results = ballot_results.load(ballot)
    rows = result_rows(ballot, results)
    if not rows:
        raise ActionError("尚无有效投票，无法写入结果")
    units = {o.pk: o for o in ballot.units.all()}
    candidates = [Candidate(units[uid].name, uid, ballot.scheme_period, values)
                  for uid, values in rows]
    try:
        checked = check(assessment, ballot.kind, candidates,
                        lambda i, col: f"{candidates[i].unit_name}" + (f"（{col}）" if col else "")
                        if i >= 0 else ballot.kind)
    except InputError as exc:
        raise ActionError("测评结果未能写入「" + ballot.kind + "」："
                          + "；".join(str(p) for p in exc.problems)) from None
    created = []
    for (uid, _), c in zip(rows, checked, strict=True):
        record = Record.objects.create(
            assessment=assessment, period=ballot.period, kind=ballot.kind, unit=units[uid],
            scheme_period=c.scheme_period, data=c.values, status=Record.Status.ACCEPTED,
            submitted_at=now, created_by=actor)
        audit(actor, "record.create", record, organisation=record.unit, after=snapshot(record),
              reason=f"测评「{ballot.title}」结果")
        created.append(record)
    ballot.closed_at, ballot.closed_by = now, actor
    ballot.save(update_fields=["closed_at", "closed_by"])
    ballot.records.set(created)
    audit(actor, "ballot.close", ballot, organisation=assessment.organisation,
          after={"records": [r.pk for r in created],
                 "sheets": results.sheets,
                 "turnout": {c: list(t) for c, t in results.turnout.items()},
                 "units": {u.name: {"weighted": u.weighted,
                                    "cells": {c: [cell.count, cell.mean]
                                              for c, cell in u.cells.items()}}
                           for u in results.units}})
    return created


REOPEN_LOCKED = ("本期结果已公示，记录已锁定，测评不能重新开启。如需更改测评写入的结果，"
                 "请走公示后更正流程：在核查页对相应记录作「公示后更正」并填写理由，"
                 "重新评分后发布更正版")


@transaction.atomic
def do_reopen_ballot(actor, ballot: Ballot, *, reason: str, closes_at, now=None) -> list[int]:
    """Reopen a closed ballot until ``closes_at``, with a reason.

    The records written when it closed are withdrawn (deleted, each with an audit row keeping
    its values), so that closing again writes the results anew instead of a second set. The
    sheets already cast stay and count again; codes not yet used work again until the new
    close time. Refused once the period the ballot feeds is published: a published result is
    changed by a correction after publication, never by voting again. Returns the ids of the
    withdrawn records."""
    # only the ballot's row is locked (PostgreSQL cannot lock the empty side of the
    # outer join to closed_by, and the other rows need no lock)
    ballot = Ballot.objects.select_for_update(of=("self",)).select_related(
        "assessment__organisation", "period", "closed_by").get(pk=ballot.pk)
    assessment = ballot.assessment
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以重新开启测评")
    if not ballot.closed:
        raise ActionError("测评尚未结束，不需要重新开启")
    if ballot.period.locked:
        raise ActionError(REOPEN_LOCKED)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("请填写重新开启的理由", {"reason": "必填"})
    now = now or timezone.now()
    if closes_at is None or closes_at <= now or closes_at <= ballot.opens_at:
        raise ActionError("新的结束时间须晚于现在", {"closes_at": "须晚于现在"})
    records = list(Record.objects.select_for_update().filter(pk__in=ballot.records.all())
                   .select_related("unit", "period").order_by("pk"))
    before = {"closed_at": ballot.closed_at.isoformat(),
              "closed_by": ballot.closed_by.username if ballot.closed_by else None,
              "closes_at": ballot.closes_at.isoformat(),
              "records": [{"id": r.pk, **snapshot(r)} for r in records]}
    why = f"重新开启测评「{ballot.title}」：{reason}"
    files = []
    for record in records:
        files += [e.file.name for e in record.evidence.all()]
        audit(actor, "record.withdraw", record, organisation=record.unit, before=snapshot(record),
              reason=why)
    Record.objects.filter(pk__in=[r.pk for r in records]).delete()
    _remove_files_after_commit(files)
    ballot.closed_at, ballot.closed_by, ballot.closes_at = None, None, closes_at
    ballot.save(update_fields=["closed_at", "closed_by", "closes_at"])
    audit(actor, "ballot.reopen", ballot, organisation=assessment.organisation, before=before,
          after={"closed_at": None, "closes_at": closes_at.isoformat(),
                 "withdrawn": [r.pk for r in records]},
          reason=reason)
    return [r.pk for r in records]


# ------------------------------------------------------------------ figures gathered elsewhere


@transaction.atomic
def do_import_figures(actor, assessment: Assessment, period: Period, kind: str, upload
                      ) -> list[Record]:
    """Import survey figures gathered elsewhere (G 民意调查 from the statistics bureau): an
    Excel sheet of 单位 → 得分, checked cell by cell by the engine, all or none. The records
    are accepted (已核查) at once, entered by the assessor, one audit row each."""
    from ..workbooks import figure_kinds, read_kind_upload

    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以导入测评数据")
    if kind not in figure_kinds(assessment):
        raise ActionError(f"「{kind}」不是可导入得分的记录种类", {"kind": "请选择记录种类"})
    if period.assessment_id != assessment.pk:
        raise ActionError("考核期不属于该考核", {"period": "无效"})
    period = Period.objects.select_for_update().get(pk=period.pk)
    check_open(period)
    now = timezone.now()
    try:
        rows = read_kind_upload(actor, assessment, period, kind, upload,
                                today=timezone.localdate(now))
    except InputError as exc:
        problems = [str(p) for p in exc.problems]
        raise ProblemsRefused(f"工作表有 {len(problems)} 处问题，没有导入任何记录",
                              problems) from None
    units = {o.pk: o for o in Organisation.objects.filter(pk__in={r.unit_id for r in rows})}
    name = getattr(upload, "name", "")
    created = []
    for row in rows:
        record = Record.objects.create(
            assessment=assessment, period=period, kind=row.kind, unit=units[row.unit_id],
            scheme_period=row.scheme_period, data=row.values, status=Record.Status.ACCEPTED,
            submitted_at=now, created_by=actor)
        audit(actor, "record.import", record, organisation=record.unit, after=snapshot(record),
              reason=f"导入「{kind}」得分 {name}".rstrip())
        created.append(record)
    return created


__all__ = ["CLOSED", "CODE_ALPHABET", "CODE_LENGTH", "NOT_OPEN", "REOPEN_LOCKED", "UNKNOWN",
           "USED", "CategorySpec", "RowErrors", "Share", "SharePart", "Target", "ballot_defaults",
           "category_targets", "check_categories", "check_sheet", "clean_choices", "describe",
           "do_cast_ballot", "do_close_ballot", "do_create_ballot", "do_import_figures",
           "do_issue_tokens", "do_reopen_ballot", "new_code", "normalise_code", "parse_sheet",
           "quota_limits", "rated_units", "result_rows", "scheme_share", "short_name",
           "window_problem"]

