"""Users and roles (系统管理员): list, create, grant, revoke, reset a password, deactivate;
and 我的角色, every user's read-only view of their own roles.

An admin sees the users holding a role inside its subtrees, and grants and revokes roles
only there. Resetting a password or deactivating needs every one of the user's roles to be
inside (an account shared with another subtree is not this admin's alone); else a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from ..access import (
    access_membership,
    access_user,
    managed_organisations,
    managed_users,
    memberships,
    require_role,
)
from ..actions.base import ActionError
from ..actions.people import (
    do_create_user,
    do_grant_role,
    do_reset_password,
    do_revoke_role,
    do_set_user_active,
)
from ..models import Role
from ..queries import users_with_roles
from .orgs import OrganisationChoiceField


class PasswordFields(forms.Form):
    """A new password typed twice and checked with Django's password validators."""

    password1 = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput)

    def password_owner(self):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致")
        elif p1:
            try:
                validate_password(p1, user=self.password_owner())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CreateUserForm(PasswordFields):
    username = forms.CharField(label="用户名", max_length=150,
                               validators=[UnicodeUsernameValidator()],
                               help_text="字母、数字和 @/./+/-/_")
    full_name = forms.CharField(label="姓名", max_length=150)
    email = forms.EmailField(label="邮箱", required=False)
    organisation = OrganisationChoiceField(label="所属组织", queryset=None)
    role = forms.ChoiceField(label="角色", choices=[("", "请选择"), *Role.choices])
    field_order = ["username", "full_name", "email", "password1", "password2", "organisation",
                   "role"]

    def __init__(self, *args, within, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "初始密码"
        self.fields["organisation"].queryset = within

    def password_owner(self):
        d = self.cleaned_data
        return get_user_model()(username=d.get("username", ""), first_name=d.get("full_name", ""),
                                email=d.get("email", ""))


class ResetPasswordForm(PasswordFields):
    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["password1"].label = "新密码"

    def password_owner(self):
        return self.target


class GrantRoleForm(forms.Form):
    organisation = OrganisationChoiceField(label="组织", queryset=None)
    role = forms.ChoiceField(label="角色", choices=[("", "请选择"), *Role.choices])

    def __init__(self, *args, within, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = within


def _post(request):
    return request.POST if request.method == "POST" else None


def _admin(request):
    require_role(request.user, Role.ADMIN)


@login_required
def user_list(request):
    _admin(request)
    return render(request, "kaoping/people/list.html",
                  {"people": users_with_roles(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _admin(request)
    form = CreateUserForm(_post(request), within=managed_organisations(request.user))
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                user = do_create_user(request.user, username=d["username"],
                                      password=d["password1"], full_name=d["full_name"],
                                      email=d["email"], organisation=d["organisation"],
                                      role=Role(d["role"]))
            except ActionError as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, f"已创建用户「{user.username}」。")
                return redirect("user_detail", user.pk)
        return render(request, "kaoping/people/create.html", {"form": form}, status=400)
    return render(request, "kaoping/people/create.html", {"form": form})


def _detail(request, target, *, status: int = 200, grant_form=None, password_form=None,
            error: str | None = None):
    """The user's page, with the form that failed (if any) showing its errors."""
    [person] = users_with_roles(request.user, only=target.pk)
    return render(request, "kaoping/people/detail.html", {
        "person": person, "target": target, "error": error,
        "grant_form": grant_form or GrantRoleForm(within=managed_organisations(request.user)),
        "password_form": password_form or ResetPasswordForm(target=target),
    }, status=status)


@login_required
def user_detail(request, user_id: int):
    _admin(request)
    return _detail(request, access_user(request.user, user_id))


@login_required
@require_POST
def user_grant_role(request, user_id: int):
    _admin(request)
    target = access_user(request.user, user_id)
    form = GrantRoleForm(request.POST, within=managed_organisations(request.user))
    if not form.is_valid():
        return _detail(request, target, status=400, grant_form=form)
    d = form.cleaned_data
    do_grant_role(request.user, target, d["organisation"], Role(d["role"]))
    messages.success(request, f"已授予「{d['organisation']}」的{Role(d['role']).label}角色。")
    return redirect("user_detail", target.pk)


@login_required
@require_POST
def membership_revoke(request, membership_id: int):
    _admin(request)
    membership = access_membership(request.user, membership_id)
    target = membership.user
    try:
        do_revoke_role(request.user, membership, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        return _detail(request, target, status=400, error=exc.message)
    messages.success(request, f"已撤销「{membership.organisation}」的{membership.get_role_display()}角色。")
    if not managed_users(request.user).filter(pk=target.pk).exists():
        return redirect("user_list")  # their remaining roles are all outside this admin's reach
    return redirect("user_detail", target.pk)


@login_required
@require_POST
def user_reset_password(request, user_id: int):
    _admin(request)
    target = access_user(request.user, user_id, whole=True)
    form = ResetPasswordForm(request.POST, target=target)
    if not form.is_valid():
        return _detail(request, target, status=400, password_form=form)
    do_reset_password(request.user, target, form.cleaned_data["password1"])
    if target.pk == request.user.pk:
        update_session_auth_hash(request, target)  # stay logged in after one's own reset
    messages.success(request, f"已重置「{target.username}」的密码。")
    return redirect("user_detail", target.pk)


@login_required
@require_POST
def user_set_active(request, user_id: int):
    _admin(request)
    target = access_user(request.user, user_id, whole=True)
    active = request.POST.get("active") == "1"
    try:
        do_set_user_active(request.user, target, active, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        return _detail(request, target, status=400, error=exc.message)
    messages.success(request, f"已{'启用' if active else '停用'}用户「{target.username}」。")
    return redirect("user_detail", target.pk)


@login_required
def my_roles(request):
    return render(request, "kaoping/people/my_roles.html",
                  {"roles": sorted(memberships(request.user),
                                   key=lambda m: (m.organisation.path, m.role))})


urlpatterns = [
    path("users/", user_list, name="user_list"),
    path("users/new/", user_create, name="user_create"),
    path("users/<int:user_id>/", user_detail, name="user_detail"),
    path("users/<int:user_id>/grant/", user_grant_role, name="user_grant_role"),
    path("users/<int:user_id>/password/", user_reset_password, name="user_reset_password"),
    path("users/<int:user_id>/active/", user_set_active, name="user_set_active"),
    path("roles/<int:membership_id>/revoke/", membership_revoke, name="membership_revoke"),
    path("me/roles/", my_roles, name="my_roles"),
]
