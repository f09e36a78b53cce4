"""Login with a lockout after repeated failures, and the home page that routes by role."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils import timezone

from ..models import LoginFailure


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class LockoutAuthenticationForm(AuthenticationForm):
    """Refuses a user name or an address after too many recent failures."""

    def clean(self):
        username = (self.data.get("username") or "").strip()
        address = client_address(self.request)
        since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        recent = LoginFailure.objects.filter(at__gte=since)
        if (recent.filter(username=username).count() >= settings.LOGIN_FAILURE_LIMIT
                or (address and recent.filter(address=address).count()
                    >= settings.LOGIN_FAILURE_LIMIT * 4)):
            minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
            raise forms.ValidationError(f"登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试。",
                                        code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username[:150], address=address)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        LoginFailure.objects.filter(username=user.get_username()).delete()


class LoginView(auth_views.LoginView):
    template_name = "kaoping/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request):
    from ..queries import home_context

    return render(request, "kaoping/home.html", home_context(request.user))
