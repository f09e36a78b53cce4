"""URL map: one include per area, each area's module owns its own paths."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import auth

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("kaoping.web.views.health")),
    path("", include("kaoping.web.views.progress")),
    path("", include("kaoping.web.views.orgs")),
    path("", include("kaoping.web.views.people")),
    path("", include("kaoping.web.views.dashboard")),
    path("", include("kaoping.web.views.verification")),
    path("", include("kaoping.web.views.results")),
    path("", include("kaoping.web.views.corrections")),
    path("", include("kaoping.web.views.history")),
    path("", include("kaoping.web.views.assessments")),
    path("", include("kaoping.web.views.reporting")),
    path("", include("kaoping.web.views.ballots")),
    path("", include("kaoping.web.views.search")),
    path("", include("kaoping.web.views.appeals")),
    path("", include("kaoping.web.views.ledger")),
]
