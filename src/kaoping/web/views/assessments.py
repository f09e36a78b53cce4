"""考核设置: the 考核管理员 creates an assessment (a scheme, a year, units, periods and deadlines,
verifiers) and changes it while no period is published.

The set-up page depends on its own choices: the organisation decides the units and
verifiers offered, the scheme the unit classes, the cycle and year the periods and their
default deadlines. Changing one of them re-renders the form (htmx, or the 刷新 button
without JavaScript) keeping everything else that was entered.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_http_methods

from ...engine import Scheme, SchemeError, load_scheme
from ...engine.explain import period_label
from ..access import access_assessment, can_assess, managed_organisations
from ..actions.assessments import (
    CYCLES,
    MAX_APPEAL_DAYS,
    MAX_DUE_SOON_DAYS,
    SchemeRefused,
    cycle_problem,
    default_deadlines,
    do_change_settings,
    do_create_assessment,
    do_update_assessment,
    scheme_cycle,
    setting_rows,
    unit_candidates,
    verifier_candidates,
)
from ..actions.base import ActionError
from ..models import Assessment, Organisation, Period, Record, Role

UPLOADED = "__upload__"
#: "方案.yaml:134: result.grade.bands: " before an engine problem
_PLACE = re.compile(r"^[^:]*:\d+: (?:[\w.\[\]]+: )?")
MAX_SCHEME_BYTES = 2 * 1024 * 1024


# ------------------------------------------------------------------ bundled schemes


@dataclass(frozen=True)
class Bundled:
    file: str
    id: str
    name: str
    text: str
    scheme: Scheme


_bundled_cache: dict[tuple[str, float], Bundled | None] = {}


def bundled_schemes() -> list[Bundled]:
    """The valid scheme files of ``settings.KAOPING_SCHEMES_DIR`` (each parsed once)."""
    folder = Path(settings.KAOPING_SCHEMES_DIR)
    out = []
    for p in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        key = (str(p), p.stat().st_mtime)
        if key not in _bundled_cache:
            try:
                text = p.read_text(encoding="utf-8")
                scheme = load_scheme(p.name, text=text)
                _bundled_cache[key] = Bundled(p.name, scheme.id, scheme.name, text, scheme)
            except (OSError, UnicodeDecodeError, SchemeError):
                _bundled_cache[key] = None
        if _bundled_cache[key] is not None:
            out.append(_bundled_cache[key])
    return out


@dataclass
class SchemeSource:
    """The scheme chosen on the set-up page: a bundled file or an uploaded one."""

    filename: str = ""
    text: str = ""
    scheme: Scheme | None = None
    uploaded: bool = False
    problems: list[str] | None = None


def resolve_scheme(request) -> SchemeSource:
    """An uploaded file wins; then the upload kept from an earlier round; then the bundled
    file chosen. The engine checks it; its every problem is kept for the page."""
    upload = request.FILES.get("scheme_upload")
    post = request.POST
    if upload is not None:
        filename = os.path.basename(upload.name or "方案.yaml")
        if upload.size > MAX_SCHEME_BYTES:
            return SchemeSource(filename, problems=[f"{filename}: 文件过大（上限 2 MB）"])
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return SchemeSource(filename, problems=[f"{filename}: 文件不是 UTF-8 编码的文本"])
        source = SchemeSource(filename, text, uploaded=True)
    elif post.get("scheme") == UPLOADED and post.get("scheme_text"):
        source = SchemeSource(post.get("scheme_filename") or "方案.yaml", post["scheme_text"],
                              uploaded=True)
    else:
        bundled = {b.file: b for b in bundled_schemes()}
        chosen = bundled.get(post.get("scheme") or "")
        if chosen is None:
            return SchemeSource(problems=["请选择一个内置方案或上传方案文件"])
        return SchemeSource(chosen.file, chosen.text, chosen.scheme)
    try:
        source.scheme = load_scheme(source.filename, text=source.text)
    except SchemeError as exc:
        source.problems = [str(p) for p in exc.problems]
        source.text = ""
    return source


# ------------------------------------------------------------------ the form


def tree_order(orgs) -> list[Organisation]:
    """Organisations in tree order, siblings in the order they were made."""
    return sorted(orgs, key=lambda o: o.path)  # zero-padded ids: text order is tree order


def _indent(org: Organisation, top: Organisation) -> int:
    return max(0, org.depth - top.depth - 1)


class AssessmentForm(forms.Form):
    """Create (``assessment`` None) or edit an assessment. The fields that depend on other
    choices (units, classes, verifiers, deadlines) are made from those choices."""

    name = forms.CharField(label="考核名称", max_length=200)
    due_soon_days = forms.IntegerField(label="临期提醒天数", min_value=0,
                                       max_value=MAX_DUE_SOON_DAYS, initial=3,
                                       help_text="截止日期前几天起在填报进度中标为黄色")
    public_results = forms.BooleanField(label="公示到公开页面", required=False,
                                        help_text="公示后结果也显示在无需登录的公开页面上")
    appeal_days = forms.IntegerField(label="申诉期限（天）", min_value=1, max_value=MAX_APPEAL_DAYS,
                                     initial=7, required=False, help_text="每期结果公示后多少天内单位可以提出申诉")
    answer_days = forms.IntegerField(label="答复期限（天）", min_value=1, max_value=MAX_APPEAL_DAYS,
                                     initial=15, required=False, help_text="收到申诉后多少天内给出答复")
    rectify_days = forms.IntegerField(label="整改期限（天）", min_value=1, max_value=MAX_APPEAL_DAYS,
                                      initial=30, required=False,
                                      help_text="结果运用中需要整改的，公示后多少天内完成整改")

    def __init__(self, user, *, assessment: Assessment | None = None, data=None,
                 initial: dict | None = None, source: SchemeSource | None = None):
        super().__init__(data=data, initial=initial or {})
        self.user, self.assessment = user, assessment
        values = data if data is not None else (initial or {})
        self.bundled = bundled_schemes()
        if assessment is None:
            orgs = tree_order(managed_organisations(user, Role.ASSESSOR))
            self.fields["organisation"] = forms.ChoiceField(
                label="考核组织", choices=[(str(o.pk), "　" * o.depth + o.name) for o in orgs])
            org = next((o for o in orgs if str(o.pk) == str(values.get("organisation"))), None)
            self.org = org or orgs[0]
            self.fields["organisation"].initial = str(self.org.pk)
            choices = [(b.file, f"{b.id} · {b.name}") for b in self.bundled]
            self.source = source or SchemeSource()
            if self.source.uploaded and self.source.scheme is not None:
                choices.append((UPLOADED, f"已上传：{self.source.filename}"
                                          f"（{self.source.scheme.id} · {self.source.scheme.name}）"))
            self.fields["scheme"] = forms.ChoiceField(label="考核方案", choices=choices,
                                                      required=False)
            self.fields["scheme_upload"] = forms.FileField(
                label="或上传方案文件", required=False,
                help_text="YAML 方案文件（写法见《方案语言》）；上传后由引擎检查，有问题会逐条列出")
            self.fields["year"] = forms.IntegerField(label="考核年度", min_value=2000,
                                                     max_value=2100,
                                                     initial=dt.date.today().year)
            self.fields["cycle"] = forms.ChoiceField(label="填报周期", choices=list(CYCLES.items()))
            self.scheme = self.source.scheme or (self.bundled[0].scheme if self.bundled else None)
            if self.source.uploaded and self.source.scheme is not None:
                self.initial["scheme"] = UPLOADED
            year = _int(values.get("year"), dt.date.today().year)
            cycle = values.get("cycle") if values.get("cycle") in CYCLES else (
                scheme_cycle(self.scheme) if self.scheme else "month")
            self.fields["cycle"].initial = cycle
            problem = cycle_problem(self.scheme, cycle) if self.scheme else None
            #: shown beside the cycle: the scheme's records are reported less often
            self.cycle_note = problem[1] if problem else ""
        else:
            self.org = assessment.organisation
            self.scheme = assessment.scheme
            year, cycle = assessment.year, assessment.cycle
        self.year, self.cycle = year, cycle
        self.classes = list(self.scheme.model.units.classes) if self.scheme else []
        # units: the organisation's subtree, direct subordinates chosen by default
        self.candidates = tree_order(unit_candidates(self.org))
        self.fields["units"] = forms.MultipleChoiceField(
            label="被考核单位", required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(str(o.pk), o.name) for o in self.candidates])
        if "units" not in self.initial:
            self.initial["units"] = [str(o.pk) for o in self.candidates
                                     if o.parent_id == self.org.pk]
        for o in self.candidates if self.classes else []:
            name = f"class_{o.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{o.name}的类别", required=False,
                choices=[("", "请选择类别"), *((c, c) for c in self.classes)])
            if name not in self.initial and o.category in self.classes:
                self.initial[name] = o.category
        people = list(verifier_candidates(self.org))
        self.fields["verifiers"] = forms.MultipleChoiceField(
            label="核查人员", required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(str(u.pk), u.get_full_name() or u.username) for u in people],
            help_text="本组织及上级组织的考核管理员")
        if "verifiers" not in self.initial and assessment is None:
            self.initial["verifiers"] = [str(u.pk) for u in people if u.pk == user.pk]
        # periods of the cycle, each with its deadline
        defaults = default_deadlines(year, cycle) if 2000 <= year <= 2100 else []
        self.period_names = []
        for k, d in enumerate(defaults, start=1):
            name = f"deadline_{k}"
            label = period_label(cycle, k - 1) or f"{year}年度"
            self.fields[name] = forms.DateField(label=label,
                                                widget=forms.DateInput(attrs={"type": "date"},
                                                                       format="%Y-%m-%d"))
            self.initial.setdefault(name, d)
            self.period_names.append(name)
        self.basis = "|".join([str(self.org.pk), self.scheme_key(), cycle, str(year)])

    def scheme_key(self) -> str:
        if self.assessment is not None:
            return self.assessment.scheme_file
        if self.source.uploaded and self.source.scheme is not None:
            return UPLOADED + self.source.filename
        return self.source.filename or (self.bundled[0].file if self.bundled else "")

    # -------------------------------------------------------------- for the template
    def scheme_selected(self) -> str:
        if self.source.uploaded and self.source.scheme is not None:
            return UPLOADED
        return self["scheme"].value() or (self.bundled[0].file if self.bundled else "")

    def selected(self, name: str) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist(name))
        return {str(v) for v in self.initial.get(name, [])}

    def unit_rows(self) -> list[dict]:
        chosen = self.selected("units")
        return [{"org": o, "indent": range(_indent(o, self.org)), "checked": str(o.pk) in chosen,
                 "direct": o.parent_id == self.org.pk,
                 "class_field": self[f"class_{o.pk}"] if self.classes else None}
                for o in self.candidates]

    def verifier_rows(self) -> list[dict]:
        chosen = self.selected("verifiers")
        return [{"value": v, "label": label, "checked": v in chosen}
                for v, label in self.fields["verifiers"].choices]

    def deadline_fields(self):
        return [self[n] for n in self.period_names]

    # -------------------------------------------------------------- cleaned values
    def chosen_units(self) -> list[tuple[Organisation, str]]:
        ids = set(self.cleaned_data.get("units") or [])
        return [(o, self.cleaned_data.get(f"class_{o.pk}", "") or "")
                for o in self.candidates if str(o.pk) in ids]

    def chosen_verifiers(self) -> list:
        ids = {int(v) for v in self.cleaned_data.get("verifiers") or []}
        return list(verifier_candidates(self.org).filter(pk__in=ids))

    def deadlines(self) -> list[dt.date | None]:
        return [self.cleaned_data.get(n) for n in self.period_names]

    def show_refusal(self, exc: ActionError) -> None:
        """The refusal above the form, and each field's part beside it."""
        self.add_error(None, exc.message)
        for name, message in exc.fields.items():
            if name in self.fields:
                self.add_error(name, message)


def _int(v, default: int) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def refreshed_initial(data, source: SchemeSource) -> dict:
    """What was entered, kept across a re-render; the choices that depend on a changed
    organisation, scheme, cycle or year start again from their defaults."""
    org, scheme_key, cycle, year = (data.get("basis", "") + "|||").split("|")[:4]
    initial: dict = {k: data.get(k) for k in ("name", "organisation", "scheme", "year", "cycle",
                                              "due_soon_days", "appeal_days", "answer_days",
                                              "rectify_days")
                     if data.get(k) not in (None, "")}
    initial["public_results"] = bool(data.get("public_results"))
    if data.get("organisation") == org:
        initial["units"] = data.getlist("units")
        initial["verifiers"] = data.getlist("verifiers")
        now_key = (UPLOADED + source.filename) if source.uploaded else (data.get("scheme") or "")
        if now_key == scheme_key:
            initial.update({k: v for k, v in data.items() if k.startswith("class_")})
    now_key = (UPLOADED + source.filename) if source.uploaded else (data.get("scheme") or "")
    if now_key != scheme_key and source.scheme is not None:
        # another scheme: its records say the cycle (B's yearly records: one yearly deadline)
        initial["cycle"] = scheme_cycle(source.scheme)
    if initial.get("cycle") == cycle and data.get("year") == year:
        initial.update({k: v for k, v in data.items() if k.startswith("deadline_")})
    return initial


# ------------------------------------------------------------------ pages


def _creating_orgs(user):
    orgs = managed_organisations(user, Role.ASSESSOR)
    if not orgs.exists():
        raise Http404
    return orgs


@login_required
def assessment_list(request):
    orgs = managed_organisations(request.user, Role.ASSESSOR)
    assessments = (Assessment.objects.filter(organisation__in=orgs)
                   .select_related("organisation").prefetch_related("periods"))
    return render(request, "kaoping/assessments/list.html",
                  {"assessments": assessments, "may_create": orgs.exists()})


def _render_form(request, form, status=200, problems=None, assessment=None):
    return render(request, "kaoping/assessments/form.html",
                  {"form": form, "assessment": assessment, "scheme_problems": problems or [],
                   "source": getattr(form, "source", None)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request):
    _creating_orgs(request.user)
    if request.method == "GET":
        return _render_form(request, AssessmentForm(request.user))
    source = resolve_scheme(request)
    if "_refresh" in request.POST:
        ok = source if not source.problems else SchemeSource()
        form = AssessmentForm(request.user, initial=refreshed_initial(request.POST, ok), source=ok)
        return _render_form(request, form, problems=source.problems)
    form = AssessmentForm(request.user, data=request.POST,
                          source=source if not source.problems else SchemeSource())
    if source.problems:
        return _render_form(request, form, 400, source.problems)
    if not form.is_valid():
        return _render_form(request, form, 400)
    org = next(o for o in _creating_orgs(request.user)
               if str(o.pk) == form.cleaned_data["organisation"])
    try:
        a = do_create_assessment(
            request.user, organisation=org, name=form.cleaned_data["name"],
            scheme_file=source.filename, scheme_source=source.text,
            year=form.cleaned_data["year"], cycle=form.cleaned_data["cycle"],
            units=form.chosen_units(), deadlines=form.deadlines(),
            due_soon_days=form.cleaned_data["due_soon_days"],
            public_results=form.cleaned_data["public_results"],
            verifiers=form.chosen_verifiers(), **_appeal_window(form))
    except SchemeRefused as exc:
        return _render_form(request, form, 400, exc.problems)
    except ActionError as exc:
        form.show_refusal(exc)
        return _render_form(request, form, 400)
    messages.success(request, f"已创建考核「{a.name}」")
    return redirect("assessment_detail", assessment_id=a.pk)


def _appeal_window(form) -> dict:
    """The appeal, answer and rectification windows entered (left blank: the default, or
    as they were)."""
    return {k: form.cleaned_data[k] for k in ("appeal_days", "answer_days")
            if form.cleaned_data.get(k) is not None}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, assessment_id: int):
    a = access_assessment(request.user, assessment_id, assess=True)
    if request.method == "GET":
        initial = {"name": a.name, "due_soon_days": a.due_soon_days,
                   "appeal_days": a.appeal_days, "answer_days": a.answer_days,
                   "rectify_days": a.rectify_days,
                   "public_results": a.public_results,
                   "units": [str(u.organisation_id) for u in a.units.all()],
                   "verifiers": [str(u.pk) for u in a.verifiers.all()]}
        initial.update({f"class_{u.organisation_id}": u.unit_class for u in a.units.all()})
        initial.update({f"deadline_{p.number}": p.deadline for p in a.periods.all()})
        return _render_form(request, AssessmentForm(request.user, assessment=a, initial=initial),
                            assessment=a)
    form = AssessmentForm(request.user, assessment=a, data=request.POST)
    if not form.is_valid():
        return _render_form(request, form, 400, assessment=a)
    try:
        do_update_assessment(request.user, a, name=form.cleaned_data["name"],
                             units=form.chosen_units(), deadlines=form.deadlines(),
                             due_soon_days=form.cleaned_data["due_soon_days"],
                             public_results=form.cleaned_data["public_results"],
                             verifiers=form.chosen_verifiers(), **_appeal_window(form))
    except ActionError as exc:
        form.show_refusal(exc)
        return _render_form(request, form, 400, assessment=a)
    messages.success(request, "考核设置已保存")
    return redirect("assessment_detail", assessment_id=a.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_settings(request, assessment_id: int):
    """考核参数: the values the scheme marks as settings, changed in a form (no YAML)."""
    a = access_assessment(request.user, assessment_id, assess=True)
    locked = a.periods.filter(state=Period.State.PUBLISHED).exists()
    errors: dict[str, str] = {}
    problems: list[str] = []
    posted = request.POST if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        try:
            do_change_settings(request.user, a, {k: v for k, v in request.POST.items()
                                                 if k != "csrfmiddlewaretoken"})
        except SchemeRefused as exc:   # the engine's words, without the file's place and path
            problems, status = [_PLACE.sub("", p) for p in exc.problems], 400
            messages.error(request, "修改后的方案未通过检查，未保存")
        except ActionError as exc:
            errors, status = dict(exc.fields), 400
            messages.error(request, exc.message)
        else:
            messages.success(request, "考核参数已保存；已评分的考核期请重新评分")
            return redirect("assessment_detail", assessment_id=a.pk)
    rows = [{"key": e.key, "label": e.label, "current": e.value,
             "value": posted.get(e.key, e.value), "error": errors.get(e.key, "")}
            for e in setting_rows(a)]
    return render(request, "kaoping/assessments/settings.html", {
        "assessment": a, "rows": rows, "locked": locked, "problems": problems}, status=status)


@login_required
def assessment_detail(request, assessment_id: int):
    a = access_assessment(request.user, assessment_id)
    assessor = can_assess(request.user, a)
    periods = list(a.periods.all())
    counts = {}
    if assessor:
        for number, status in Record.objects.filter(assessment=a).values_list(
                "period__number", "status"):
            counts.setdefault(number, {}).setdefault(status, 0)
            counts[number][status] += 1
    rows = [{"period": p, "counts": counts.get(p.number, {})} for p in periods]
    scheme = a.scheme
    kinds = [{"name": k, "spec": spec, "grain": {"year": "年", "half": "半年", "quarter": "季度",
                                                  "month": "月"}[spec.period]}
             for k, spec in scheme.records.items()]
    links = []
    if assessor:  # the other areas' pages of this assessment, where they exist
        for name, label in (("progress_board", "填报进度"), ("verification_queue", "核查"),
                            ("scoring", "评分与公示"), ("dashboard", "领导看板"),
                            ("ballot_list", "测评"), ("search", "查找")):
            try:
                links.append((reverse(name, kwargs={"assessment_id": a.pk}), label))
            except NoReverseMatch:
                pass
    return render(request, "kaoping/assessments/detail.html", {
        "assessment": a, "assessor": assessor, "rows": rows, "kinds": kinds, "links": links,
        "units": tree_order(au.organisation for au in a.units.select_related("organisation")),
        "classes": {au.organisation_id: au.unit_class for au in a.units.all()},
        "verifiers": a.verifiers.all(),
        "editable": assessor and not any(p.state == Period.State.PUBLISHED for p in periods),
        "status_labels": dict(Record.Status.choices)})


urlpatterns = [
    path("assessments/", assessment_list, name="assessment_list"),
    path("assessments/new/", assessment_create, name="assessment_create"),
    path("assessments/<int:assessment_id>/", assessment_detail, name="assessment_detail"),
    path("assessments/<int:assessment_id>/edit/", assessment_edit, name="assessment_edit"),
    path("assessments/<int:assessment_id>/settings/", assessment_settings,
         name="assessment_settings"),
]
