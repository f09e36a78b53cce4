"""The organisation tree pages (系统管理员): the tree, create, edit, move, delete, import.

An admin sees and changes only the subtrees it administers; anything else is a 404.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from ..access import access_organisation, managed_organisations, require_role
from ..actions.base import ActionError
from ..actions.orgs import (
    do_create_organisation,
    do_delete_organisation,
    do_import_organisations,
    do_move_organisation,
    do_update_organisation,
    references,
)
from ..models import Role
from ..orgimport import blank_template
from ..queries import organisation_tree


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations indented by depth, so the choice reads like the tree; the empty choice
    says 请选择 (not Django's "---------")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "请选择")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


class OrganisationForm(forms.Form):
    name = forms.CharField(label="组织名称", max_length=100)
    category = forms.CharField(label="类别", max_length=50, required=False)
    secretary = forms.CharField(label="书记", max_length=50, required=False)
    affairs_worker = forms.CharField(label="党务工作者", max_length=50, required=False)
    member_count = forms.IntegerField(label="党员数", min_value=0, required=False)


class CreateOrganisationForm(OrganisationForm):
    parent = OrganisationChoiceField(label="上级组织", queryset=None)
    field_order = ["parent"]

    def __init__(self, *args, within, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = within


class MoveOrganisationForm(forms.Form):
    parent = OrganisationChoiceField(label="新的上级组织", queryset=None)

    def __init__(self, *args, org, within, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.queryset = within  # a descendant sent anyway reaches the action and its message
        field.widget.choices = [("", "---------")] + [
            (o.pk, field.label_from_instance(o)) for o in within.exclude(path__startswith=org.path)]


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


def _post(request):
    return request.POST if request.method == "POST" else None


def _admin(request):
    require_role(request.user, Role.ADMIN)


def _refused(form, exc: ActionError) -> None:
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


@login_required
def tree(request):
    _admin(request)
    return render(request, "kaoping/orgs/tree.html", {"tree": organisation_tree(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    _admin(request)
    within = managed_organisations(request.user)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = CreateOrganisationForm(_post(request), within=within, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                org = do_create_organisation(request.user, **form.cleaned_data)
            except ActionError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"已新建组织「{org}」。")
                return redirect("org_tree")
        return _form(request, form, "新建组织", status=400)
    return _form(request, form, "新建组织")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, org_id: int):
    _admin(request)
    org = access_organisation(request.user, org_id)
    fields = ("name", "category", "secretary", "affairs_worker", "member_count")
    form = OrganisationForm(_post(request), initial={f: getattr(org, f) for f in fields})
    if request.method == "POST":
        if form.is_valid():
            try:
                do_update_organisation(request.user, org, **form.cleaned_data)
            except ActionError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"已保存「{org}」。")
                return redirect("org_tree")
        return _form(request, form, f"编辑「{org}」", org=org, status=400)
    return _form(request, form, f"编辑「{org}」", org=org)


def _form(request, form, title: str, org=None, status: int = 200):
    return render(request, "kaoping/orgs/form.html", {"form": form, "title": title, "org": org},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def move(request, org_id: int):
    _admin(request)
    org = access_organisation(request.user, org_id)
    form = MoveOrganisationForm(_post(request), org=org,
                                within=managed_organisations(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                do_move_organisation(request.user, org, form.cleaned_data["parent"])
            except ActionError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"已把「{org}」移到「{form.cleaned_data['parent']}」之下。")
                return redirect("org_tree")
        status = 400
    return render(request, "kaoping/orgs/move.html", {"form": form, "org": org}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, org_id: int):
    _admin(request)
    org = access_organisation(request.user, org_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            do_delete_organisation(request.user, org, reason=request.POST.get("reason", ""))
        except ActionError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, f"已删除组织「{org}」。")
            return redirect("org_tree")
    return render(request, "kaoping/orgs/delete.html",
                  {"org": org, "references": references(org), "error": error}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_(request):
    _admin(request)
    form = ImportForm(_post(request), request.FILES or None)
    problems, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = do_import_organisations(request.user, form.cleaned_data["file"],
                                                  within=managed_organisations(request.user))
            except ActionError as exc:
                form.add_error(None, exc.message)
                problems = getattr(exc, "problems", [])
            else:
                messages.success(request, f"已导入 {len(created)} 个组织。")
                return redirect("org_tree")
    return render(request, "kaoping/orgs/import.html", {"form": form, "problems": problems},
                  status=status)


@login_required
def import_template(request):
    _admin(request)
    return FileResponse(io.BytesIO(blank_template()), as_attachment=True,
                        filename="组织导入模板.xlsx")


urlpatterns = [
    path("orgs/", tree, name="org_tree"),
    path("orgs/new/", create, name="org_create"),
    path("orgs/<int:org_id>/edit/", edit, name="org_edit"),
    path("orgs/<int:org_id>/move/", move, name="org_move"),
    path("orgs/<int:org_id>/delete/", delete, name="org_delete"),
    path("orgs/import/", import_, name="org_import"),
    path("orgs/import/template.xlsx", import_template, name="org_import_template"),
]
