"""URL map: one include per area, each area's module owns its own paths."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import auth

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
