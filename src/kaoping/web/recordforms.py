"""Record forms generated from the scheme: one Django form field per field of a record kind.

=========  ====================================================================
choice     a select of the options
date       a date input
bool       a checkbox
item       a select of the scheme's items (none when the kind names its item)
clause     a select of the clauses, grouped by item (only the kind's item's clauses
           when the kind names its item)
number     a number input carrying min/max (integer: step 1)
text       a text input (a text area above 100 characters) carrying max_length
=========  ====================================================================

The kind's period (月份/季度/半年) is a select limited to the assessment period being
filled; yearly kinds have none. Fields the assessing organisation fills in
(``entered_by: assessor``) are not in a reporter's form, and ``auto: submitted_on`` fields
are in nobody's: the submission date fills them.

The form only collects what was typed. It does not check values itself: the engine does,
in the action (:mod:`kaoping.web.actions.records`), and its messages are put beside the
fields here (:meth:`RecordForm.show_refusal`).
"""

from __future__ import annotations

from typing import Any

from django import forms

from ..engine.model import PERIOD_COLUMN, RecordField
from ..io.template import number_help
from .models import Assessment, Organisation, Period, Record
from .recordcheck import kind_periods, typed_fields

EMPTY_CHOICE = ("", "—请选择—")


def _number(v: float | None) -> str | None:
    return None if v is None else f"{v:g}"


def form_help(f: RecordField) -> str:
    """What the form says beside a field: its limits, whether it may stay blank, its help."""
    parts = []
    if f.type in ("number", "integer"):
        parts.append(number_help(f))
    elif f.type == "text" and f.max_length:
        parts.append(f"最多 {f.max_length} 字")
    if f.default is not None and f.type != "bool":
        parts.append(f"留空按 {f.default}")
    elif not f.required and f.type != "bool":
        parts.append("可留空")
    text = "；".join(parts)
    if f.help:
        text = f"{text}。{f.help}" if text else f.help
    return text


def form_field(scheme, kind: str, f: RecordField) -> forms.Field:
    """The form field for one field of a record kind."""
    spec = scheme.records[kind]
    common: dict[str, Any] = {"label": f.name, "required": False,
                              "help_text": form_help(f)}
    t = f.type
    if t == "bool":
        return forms.BooleanField(**common)
    if t == "choice":
        widget: forms.Widget = forms.Select(choices=[EMPTY_CHOICE, *((o, o) for o in f.options or [])])
    elif t == "item":
        widget = forms.Select(choices=[EMPTY_CHOICE, *((i.name, i.label) for i in scheme.items)])
    elif t == "clause":
        fixed = scheme.item_by_key(spec.item) if spec.item else None
        groups = []
        for info in scheme.items:
            if fixed is not None and info.index != fixed.index:
                continue
            clauses = [(c.spec.code, f"{c.spec.code} {c.spec.text}") for c in scheme.clauses
                       if c.item == info.index]
            if clauses:
                groups.append((info.label, clauses))
        choices = groups[0][1] if fixed is not None and groups else groups
        widget = forms.Select(choices=[EMPTY_CHOICE, *choices])
    elif t in ("number", "integer"):
        attrs = {"step": "1" if t == "integer" else "any", "inputmode": "decimal"}
        if f.min is not None:
            attrs["min"] = _number(f.min)
        if f.max is not None:
            attrs["max"] = _number(f.max)
        widget = forms.NumberInput(attrs=attrs)
    elif t == "date":
        widget = forms.DateInput(attrs={"type": "date"})
    else:
        attrs = {"maxlength": str(f.max_length)} if f.max_length else {}
        widget = (forms.Textarea(attrs={**attrs, "rows": 3})
                  if f.max_length is None or f.max_length > 100 else forms.TextInput(attrs=attrs))
    return forms.CharField(widget=widget, strip=True, **common)


def initial_value(f: RecordField, value: Any) -> Any:
    if value is None:
        return None
    if f.type == "bool":
        return bool(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class RecordForm(forms.Form):
    """The form of one record kind for one entrant (reporter or assessment staff)."""

    def __init__(self, assessment: Assessment, period: Period, kind: str, *, assessor: bool,
                 units: list[Organisation] | None = None, record: Record | None = None,
                 data=None):
        scheme = assessment.scheme
        spec = scheme.records[kind]
        self.assessment, self.period, self.kind, self.record = assessment, period, kind, record
        self.scheme, self.spec = scheme, spec
        self.typed = typed_fields(scheme, kind, assessor=assessor)
        initial: dict[str, Any] = {}
        if record is not None:
            initial = {f.name: initial_value(f, record.data.get(f.name)) for f in self.typed}
            initial["scheme_period"] = record.scheme_period
        super().__init__(data=data, initial=initial)
        if record is None:
            units = units or []
            self.fields["unit"] = forms.ChoiceField(
                label="单位", choices=[(str(u.pk), u.name) for u in units],
                initial=str(units[0].pk) if units else None)
        self.period_choices = kind_periods(assessment, period, kind)
        if self.period_choices:
            self.fields["scheme_period"] = forms.ChoiceField(
                label=PERIOD_COLUMN[spec.period],
                choices=[(str(k), label) for k, label in self.period_choices],
                help_text=f"本期（{period.label}）之内的{PERIOD_COLUMN[spec.period]}")
        for f in self.typed:
            self.fields[f.name] = form_field(scheme, kind, f)
        #: fields that must be filled before the record can be submitted
        self.required_names = {f.name for f in self.typed if f.required and f.default is None}
        self.fixed_item = scheme.item_by_key(spec.item).label if spec.item else None
        self.general_problems: list[str] = []

    def values(self) -> dict[str, Any]:
        """The typed values (text, or True/False for check boxes)."""
        return {f.name: self.cleaned_data.get(f.name) for f in self.typed}

    def unit_id(self) -> int | None:
        v = self.cleaned_data.get("unit")
        return int(v) if v else None

    def scheme_period(self) -> int | None:
        v = self.cleaned_data.get("scheme_period")
        return int(v) if v else None

    def show_refusal(self, exc) -> None:
        """An action's refusal: each field's message beside it, the rest above the form."""
        aliases = {"单位": "unit", PERIOD_COLUMN.get(self.spec.period): "scheme_period"}
        general = list(getattr(exc, "problems", []))
        shown = False
        for name, message in (exc.fields or {}).items():
            target = name if name in self.fields else aliases.get(name)
            if target in self.fields:
                self.add_error(target, message)
                shown = True
            else:
                general.append(f"{name}：{message}")
        if general:
            self.general_problems = general
        elif not shown:
            self.general_problems = [exc.message]


# ------------------------------------------------------------------ adjusting one value


def _value_name(k: int) -> str:
    return f"value-{k}"


def value_inputs(scheme, record: Record, posted=None) -> list[dict]:
    """The adjust (and correct) form's new-value input for each field of the record, typed
    as the field is — a number box, a date picker, a choice of the options (是/否 for a
    yes/no field), a text box — holding the posted value, else the record's own.

    Each is {"field", "name" (the input's name), "html"}; the template shows the one of the
    chosen field (all of them, labelled, without JavaScript)."""
    spec = scheme.records.get(record.kind)
    if spec is None:
        return []
    posted = posted or {}
    chosen = posted.get("field")
    out = []
    for k, f in enumerate(spec.fields):
        name = _value_name(k)
        field = form_field(scheme, record.kind, f)
        if f.type == "bool":
            field = forms.CharField(label=f.name, required=False, help_text=form_help(f),
                                    widget=forms.Select(choices=[EMPTY_CHOICE, ("是", "是"),
                                                                 ("否", "否")]))
            current = {True: "是", False: "否"}.get(record.data.get(f.name), "")
        else:
            current = initial_value(f, record.data.get(f.name))
        value = posted.get(name) if chosen == f.name and name in posted else current
        html = field.widget.render(name, value, attrs={"id": f"id_{name}"})
        out.append({"field": f.name, "name": name, "id": f"id_{name}", "html": html,
                    "help": field.help_text})
    return out


def typed_value(post, record: Record, field: str) -> str:
    """The new value posted for ``field`` by its typed input (``value`` for older forms)."""
    spec = record.assessment.scheme.records.get(record.kind)
    names = [f.name for f in spec.fields] if spec else []
    if field in names and _value_name(names.index(field)) in post:
        return post.get(_value_name(names.index(field)), "")
    return post.get("value", "")


__all__ = ["RecordForm", "form_field", "form_help", "initial_value", "typed_value",
           "value_inputs"]
