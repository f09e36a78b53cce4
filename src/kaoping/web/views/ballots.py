"""测评: the 考核管理员 sets up a ballot, issues its codes, watches the count and closes it;
raters vote on a phone with a code (no login) or logged in when named."""

from __future__ import annotations

import datetime as dt
import math
import re
from itertools import zip_longest

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from .. import ballot_results, codesheet
from ..access import access_assessment, access_ballot
from ..actions.ballots import (
    REOPEN_LOCKED,
    UNKNOWN,
    USED,
    CategorySpec,
    RowErrors,
    ballot_defaults,
    category_targets,
    do_cast_ballot,
    do_close_ballot,
    do_create_ballot,
    do_import_figures,
    do_issue_tokens,
    do_reopen_ballot,
    normalise_code,
    parse_sheet,
    quota_limits,
    rated_units,
    result_rows,
    scheme_share,
    short_name,
    window_problem,
    write_choices,
)
from ..actions.base import ActionError
from ..actions.records import ProblemsRefused
from ..models import Ballot, BallotToken
from ..workbooks import figure_kinds

# ------------------------------------------------------------------ the set-up form
#
# Grades and rater categories are rows of inputs with the same names (``choice_label`` /
# ``choice_points``; ``cat_name`` / ``cat_weight`` / ``cat_tokens`` / ``cat_target`` /
# ``cat_raters``), read back in order; a row left entirely blank is ignored. "添加一行" asks
# ``ballot_form_row`` (htmx) for a blank row. A wrong entry is shown beside its row, keyed
# ``choice-<i>`` / ``category-<i>`` by the row's position among the rows kept.

CATEGORY_INPUTS = ("cat_name", "cat_weight", "cat_tokens", "cat_target", "cat_raters")


def _choice_rows(data) -> list[dict]:
    out = []
    for label, points in zip_longest(data.getlist("choice_label"), data.getlist("choice_points"),
                                     fillvalue=""):
        label, points = label.strip(), points.strip()
        if label or points:
            out.append({"label": label, "points": points})
    return out


def _category_rows(data) -> list[dict]:
    out = []
    for values in zip_longest(*(data.getlist(n) for n in CATEGORY_INPUTS), fillvalue=""):
        row = dict(zip(("name", "weight", "tokens", "target", "raters"),
                       (v.strip() for v in values), strict=True))
        if row["name"] or row["weight"] or row["tokens"] or row["raters"]:
            out.append(row)
    return out


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _category_specs(rows: list[dict], users) -> list[CategorySpec]:
    """The rows as categories; a weight, a number of codes or a user name that cannot be
    read is refused beside its row (all rows at once)."""
    errors = RowErrors()
    out = []
    for i, r in enumerate(rows):
        key, name = f"category-{i}", f"第 {i + 1} 个类别" + (f"「{r['name']}」" if r["name"] else "")
        weight = _number(r["weight"])
        if weight is None:
            errors.add(key, name, "权重须是数字" if r["weight"] else "请填写权重")
        try:
            tokens = int(r["tokens"] or 0)
        except ValueError:
            errors.add(key, name, "投票码数须是整数")
            tokens = 0
        named = []
        for username in re.split(r"[\s,，、;；]+", r["raters"]):
            if not username:
                continue
            u = users.filter(username=username).first()
            if u is None:
                errors.add(key, name, f"没有用户「{username}」")
            else:
                named.append(u)
        out.append(CategorySpec(r["name"], weight or 0.0, tokens, named, r["target"]))
    errors.raise_any()
    return out


def _when(text: str):
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return None


def _local(t) -> str:
    return timezone.localtime(t).strftime("%Y-%m-%dT%H:%M")


def _form_values(assessment, kind: str) -> dict:
    d = ballot_defaults(assessment, kind)
    now = timezone.now().replace(second=0, microsecond=0)
    per_option = d["write"] == Ballot.Write.VALUE and d["category_field"]
    return {"kind": kind, "title": kind, "form": d["form"], "write": d["write"],
            "choice_rows": [{"label": k, "points": f"{v:g}"} for k, v in d["choices"]],
            "category_rows": [{"name": n, "weight": f"{w:g}", "tokens": "0",
                               "target": d["field_map"].get(n) or (n if per_option else ""),
                               "raters": ""} for n, w in d["categories"]],
            "value_field": d["value_field"], "scale": f"{d['scale']:g}",
            "category_field": d["category_field"],
            "choice_field": d["choice_field"], "count_field": d["count_field"],
            "opens_at": _local(now), "closes_at": _local(now + dt.timedelta(hours=2)),
            "must_rate_all": True, "drop_extremes": False, "scheme_period": "",
            "units": None}


def _rows_context(assessment, values: dict, errors: dict) -> dict:
    """What the grade and category tables show: rows with their messages, the targets a
    category may feed, the weights' sum and what the scheme says of it."""
    kind = values["kind"]
    targets = category_targets(assessment, kind, values["write"], values["category_field"])
    for prefix, rows in (("choice", values["choice_rows"]), ("category", values["category_rows"])):
        for i, row in enumerate(rows):
            row["error"] = errors.get(f"{prefix}-{i}", "")
    weights = [_number(r["weight"]) for r in values["category_rows"]]
    share = scheme_share(assessment.scheme, kind)
    return {"targets": targets, "weight_sum": sum(w for w in weights if w is not None),
            "write_choices": write_choices(assessment, kind),
            "share": share,
            "share_fed": sum(p.weight for p in share.fed) if share else None}


# ------------------------------------------------------------------ assessor pages


@login_required
def ballot_list(request, assessment_id: int):
    assessment = access_assessment(request.user, assessment_id, assess=True)
    kinds = [k for k, spec in assessment.scheme.records.items() if spec.entered_by == "assessor"]
    return render(request, "kaoping/ballots/list.html", {
        "assessment": assessment, "kinds": kinds, "figure_kinds": figure_kinds(assessment),
        "ballots": assessment.ballots.select_related("period")})


@login_required
def ballot_create(request, assessment_id: int):
    assessment = access_assessment(request.user, assessment_id, assess=True)
    kinds = list(assessment.scheme.records)
    units = [au.organisation for au in assessment.units.select_related("organisation")]
    periods = list(assessment.periods.all())
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        p = request.POST
        values = {k: p.get(k, "").strip() for k in (
            "kind", "title", "form", "write", "value_field", "scale", "category_field",
            "choice_field", "count_field", "opens_at", "closes_at", "scheme_period", "period")}
        if values["kind"] not in assessment.scheme.records:
            raise Http404
        values["choice_rows"] = _choice_rows(p)
        values["category_rows"] = _category_rows(p)
        values["must_rate_all"] = bool(p.get("must_rate_all"))
        values["drop_extremes"] = bool(p.get("drop_extremes"))
        chosen = {int(x) for x in p.getlist("units") if x.isdigit()}
        values["units"] = chosen
        try:
            period = next((x for x in periods if str(x.pk) == values["period"]), None)
            if period is None:
                raise ActionError("请选择考核期", {"period": "必选"})
            try:
                scale = float(values["scale"] or 1)
            except ValueError:
                raise ActionError("换算倍数须是数字，如 0.01", {"scale": "须是数字"}) from None
            ballot = do_create_ballot(
                request.user, assessment, title=values["title"], kind=values["kind"],
                period=period, scheme_period=values["scheme_period"] or None,
                units=[u for u in units if u.pk in chosen], form=values["form"],
                choices=[(r["label"], r["points"]) for r in values["choice_rows"]],
                categories=_category_specs(values["category_rows"], get_user_model().objects),
                opens_at=_when(values["opens_at"]), closes_at=_when(values["closes_at"]),
                must_rate_all=values["must_rate_all"], drop_extremes=values["drop_extremes"],
                write=values["write"], value_field=values["value_field"], scale=scale,
                category_field=values["category_field"],
                choice_field=values["choice_field"], count_field=values["count_field"])
        except ActionError as e:
            errors = dict(e.fields) or {"general": e.message}
            messages.error(request, e.message)
            status = 400
        else:
            messages.success(request, "测评已设置")
            return redirect("ballot_detail", ballot.pk)
    else:
        kind = request.GET.get("kind") or next(
            (k for k, s in assessment.scheme.records.items() if s.entered_by == "assessor"),
            kinds[0])
        if kind not in assessment.scheme.records:
            raise Http404
        values = _form_values(assessment, kind)
        values["period"] = str(periods[0].pk) if periods else ""
    return render(request, "kaoping/ballots/form.html", {
        "assessment": assessment, "kinds": kinds, "units": units, "periods": periods,
        "values": values, "errors": errors, "forms": Ballot.Form.choices,
        "writes": Ballot.Write.choices, **_rows_context(assessment, values, errors)},
        status=status)


@login_required
def ballot_form_row(request, assessment_id: int):
    """htmx: a blank grade row (``what=choice``), a blank category row (``what=category``), or
    the category rows as posted re-drawn for another write mode (``what=categories``)."""
    assessment = access_assessment(request.user, assessment_id, assess=True)
    q = request.GET
    kind = q.get("kind", "")
    if kind not in assessment.scheme.records:
        raise Http404
    what = q.get("what")
    if what == "choice":
        return render(request, "kaoping/ballots/_choice_row.html",
                      {"row": {"label": "", "points": ""}})
    targets = category_targets(assessment, kind, q.get("write", ""), q.get("category_field", ""))
    if what == "category":
        return render(request, "kaoping/ballots/_category_row.html", {
            "row": {"name": "", "weight": "", "tokens": "", "target": "", "raters": ""},
            "targets": targets})
    if what == "categories":
        rows = _category_rows(q)
        values = {t.value for t in targets}
        for row in rows:  # a target the new mode does not have: the one named like the row
            if row["target"] not in values:
                row["target"] = next((t.value for t in targets
                                      if row["name"] in (t.value, short_name(t.value))), "")
        return render(request, "kaoping/ballots/_category_rows.html",
                      {"values": {"category_rows": rows}, "targets": targets})
    raise Http404


def _detail(request, ballot: Ballot, *, reopen: dict | None = None, status: int = 200):
    results = ballot_results.load(ballot)
    preview = [] if ballot.closed else result_rows(ballot, results)
    names = {u.unit: u.name for u in results.units}
    share = scheme_share(ballot.assessment.scheme, ballot.kind)
    later = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    return render(request, "kaoping/ballots/detail.html", {
        "ballot": ballot, "results": results, "labels": [c[0] for c in ballot.choices],
        "categories": list(ballot.categories.all()),
        "preview": [(names[uid], values) for uid, values in preview],
        "window": window_problem(ballot), "share": share,
        "written": ballot.records.count() if ballot.closed else 0,
        "reopen": reopen or {"reason": "", "closes_at": _local(later), "errors": {}},
        "reopen_locked": REOPEN_LOCKED if ballot.period.locked else ""}, status=status)


@login_required
def ballot_detail(request, ballot_id: int):
    return _detail(request, access_ballot(request.user, ballot_id))


@login_required
def ballot_codes(request, ballot_id: int):
    """The anonymous codes still unused, as a list (the QR sheet is ``codes.pdf``)."""
    ballot = access_ballot(request.user, ballot_id)
    tokens = (BallotToken.objects.filter(category__ballot=ballot, user=None, used=False)
              .select_related("category").order_by("category__position", "code"))
    return render(request, "kaoping/ballots/codes.html", {
        "ballot": ballot, "tokens": tokens,
        "vote_url": request.build_absolute_uri("/vote/")})


@login_required
def ballot_codes_pdf(request, ballot_id: int):
    """The unused anonymous codes as a printable A4 PDF of cards: QR code, code, ballot, category."""
    ballot = access_ballot(request.user, ballot_id)
    html = codesheet.sheet_html(
        ballot, codesheet.unused_codes(ballot),
        lambda code: request.build_absolute_uri(f"/vote/{code}/"),
        request.build_absolute_uri("/vote/"))
    response = HttpResponse(codesheet.sheet_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{ballot.title}-投票码.pdf")
    return response


@login_required
@require_POST
def ballot_issue(request, ballot_id: int):
    ballot = access_ballot(request.user, ballot_id)
    category = ballot.categories.filter(pk=request.POST.get("category") or 0).first()
    try:
        n = int(request.POST.get("count") or 0)
        if category is None:
            raise ActionError("请选择类别")
        codes = do_issue_tokens(request.user, category, n)
    except ValueError:
        messages.error(request, "数量须是整数")
        return redirect("ballot_detail", ballot.pk)
    except ActionError as e:
        messages.error(request, e.message)
        return redirect("ballot_detail", ballot.pk)
    messages.success(request, f"已为「{category.name}」发放 {len(codes)} 个投票码")
    return redirect("ballot_detail", ballot.pk)


@login_required
@require_POST
def ballot_close(request, ballot_id: int):
    ballot = access_ballot(request.user, ballot_id)
    try:
        records = do_close_ballot(request.user, ballot)
    except ActionError as e:
        messages.error(request, e.message)
        return redirect("ballot_detail", ballot.pk)
    messages.success(request, f"测评已结束，已写入 {len(records)} 条「{ballot.kind}」记录")
    return redirect("ballot_detail", ballot.pk)


@login_required
@require_POST
def ballot_reopen(request, ballot_id: int):
    """Reopen a closed ballot with a reason and a new close time (考核管理员)."""
    ballot = access_ballot(request.user, ballot_id)
    reason = request.POST.get("reason", "")
    closes_at = request.POST.get("closes_at", "")
    try:
        withdrawn = do_reopen_ballot(request.user, ballot, reason=reason,
                                     closes_at=_when(closes_at))
    except ActionError as e:
        messages.error(request, e.message)
        ballot.refresh_from_db()
        return _detail(request, ballot, status=400, reopen={
            "reason": reason, "closes_at": closes_at, "errors": e.fields})
    messages.success(request, f"测评已重新开启，已撤回结束时写入的 {len(withdrawn)} 条「{ballot.kind}」"
                              "记录；再次结束测评时按全部投票重新写入")
    return redirect("ballot_detail", ballot.pk)


@login_required
def figures_import(request, assessment_id: int):
    """Survey figures gathered elsewhere (G 民意调查): an Excel sheet of 单位 | 得分."""
    assessment = access_assessment(request.user, assessment_id, assess=True)
    kinds = figure_kinds(assessment)
    if not kinds:
        raise Http404
    periods = list(assessment.periods.all())
    p = request.POST if request.method == "POST" else request.GET
    kind = p.get("kind") if p.get("kind") in kinds else kinds[0]
    period = next((x for x in periods if str(x.pk) == p.get("period")), None)
    context = {"assessment": assessment, "kinds": kinds, "kind": kind, "periods": periods,
               "period": period or (periods[-1] if periods else None), "problems": [],
               "field": next(f for f in assessment.scheme.records[kind].fields
                             if f.auto is None)}
    if request.method != "POST":
        return render(request, "kaoping/ballots/figures.html", context)
    upload = request.FILES.get("file")
    try:
        if period is None:
            raise ActionError("请选择考核期")
        if upload is None:
            raise ActionError("请选择要导入的 Excel 工作簿（.xlsx）")
        created = do_import_figures(request.user, assessment, period, p.get("kind", ""),
                                    upload)
    except ProblemsRefused as e:
        context.update(error=e.message, problems=e.problems)
        return render(request, "kaoping/ballots/figures.html", context, status=400)
    except ActionError as e:
        context["error"] = e.message
        return render(request, "kaoping/ballots/figures.html", context, status=400)
    messages.success(request, f"已导入 {len(created)} 条「{kind}」记录（已核查）")
    return redirect("ballot_list", assessment.pk)


# ------------------------------------------------------------------ voting


def _refusal(request, message: str, status: int):
    return render(request, "kaoping/ballots/refused.html", {"message": message}, status=status)


def _sheet(request, token: BallotToken, action: str):
    ballot = token.category.ballot
    problem = window_problem(ballot)
    if problem:
        return _refusal(request, problem, 403)
    if token.used:
        return _refusal(request, USED, 409)
    errors: dict[str, str] = {}
    message = ""
    answers: dict = {}
    status = 200
    if request.method == "POST":
        answers = parse_sheet(ballot, request.POST)
        try:
            do_cast_ballot(token, answers)
        except ActionError as e:
            token.refresh_from_db()
            if e.message == USED or token.used:
                return _refusal(request, USED, 409)
            if e.message == window_problem(ballot):
                return _refusal(request, e.message, 403)
            errors, message, status = e.fields, e.message, 400
        else:
            return redirect("vote_done")
    labels = [c[0] for c in ballot.choices]
    units = rated_units(ballot)
    rows = [{"unit": u, "name": f"u{u.pk}", "value": answers.get(u.pk),
             "error": errors.get(f"u{u.pk}", "")} for u in units]
    limits = [{"choices": [labels.index(c) for c in chosen if c in labels],
               "label": "+".join(chosen), "most": most, "units": [f"u{i}" for i in ids]}
              for chosen, most, ids in quota_limits(ballot, units)]
    return render(request, "kaoping/ballots/vote.html", {
        "ballot": ballot, "category": token.category, "rows": rows, "labels": labels,
        "message": message, "action": action, "limits": limits}, status=status)


def vote_start(request):
    code = normalise_code(request.POST.get("code") or request.GET.get("code") or "")
    if code:
        return redirect("vote", code)
    return render(request, "kaoping/ballots/start.html", {})


def vote(request, code: str):
    token = (BallotToken.objects.select_related("category__ballot")
             .filter(code=normalise_code(code), user=None).first())
    if token is None:
        return _refusal(request, UNKNOWN, 404)
    return _sheet(request, token, request.path)


@login_required
def vote_named(request, ballot_id: int):
    """A named rater (e.g. the assessment team) votes logged in with the token issued to them."""
    token = (BallotToken.objects.select_related("category__ballot")
             .filter(category__ballot_id=ballot_id, user=request.user).first())
    if token is None:
        raise Http404
    return _sheet(request, token, request.path)


def vote_done(request):
    return render(request, "kaoping/ballots/done.html", {})


@login_required
def my_ballots(request):
    """Ballots where the user is a named rater."""
    tokens = (BallotToken.objects.filter(user=request.user)
              .select_related("category__ballot__assessment").order_by("-id"))
    return render(request, "kaoping/ballots/mine.html", {"tokens": tokens})


urlpatterns = [
    path("assessments/<int:assessment_id>/ballots/", ballot_list, name="ballot_list"),
    path("assessments/<int:assessment_id>/ballots/new/", ballot_create, name="ballot_create"),
    path("assessments/<int:assessment_id>/ballots/new/row/", ballot_form_row,
         name="ballot_form_row"),
    path("assessments/<int:assessment_id>/figures/", figures_import, name="figures_import"),
    path("ballots/<int:ballot_id>/", ballot_detail, name="ballot_detail"),
    path("ballots/<int:ballot_id>/codes/", ballot_codes, name="ballot_codes"),
    path("ballots/<int:ballot_id>/codes.pdf", ballot_codes_pdf, name="ballot_codes_pdf"),
    path("ballots/<int:ballot_id>/issue/", ballot_issue, name="ballot_issue"),
    path("ballots/<int:ballot_id>/close/", ballot_close, name="ballot_close"),
    path("ballots/<int:ballot_id>/reopen/", ballot_reopen, name="ballot_reopen"),
    path("ballots/<int:ballot_id>/vote/", vote_named, name="vote_named"),
    path("ballots/mine/", my_ballots, name="my_ballots"),
    path("vote/", vote_start, name="vote_start"),
    path("vote/done/", vote_done, name="vote_done"),
    path("vote/<str:code>/", vote, name="vote"),
]
