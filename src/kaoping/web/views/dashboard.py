"""The leaders' dashboard (领导看板): published rankings, trends, profiles and grades."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path

from ..access import access_dashboard, managed_organisations
from ..dashboard import dashboard_data
from ..models import Assessment, Role


@login_required
def dashboard_index(request):
    user = request.user
    assessments = (Assessment.objects
                   .filter(Q(organisation__in=managed_organisations(user, Role.ASSESSOR))
                           | Q(organisation__in=managed_organisations(user, Role.LEADER)))
                   .distinct().select_related("organisation"))
    return render(request, "kaoping/dashboard/index.html", {"assessments": assessments})


@login_required
def dashboard(request, assessment_id: int):
    assessment = access_dashboard(request.user, assessment_id)
    data = dashboard_data(assessment, request.GET.get("page"))
    return render(request, "kaoping/dashboard/assessment.html", {"assessment": assessment,
                                                                 "data": data})


@login_required
def dashboard_json(request, assessment_id: int):
    assessment = access_dashboard(request.user, assessment_id)
    return JsonResponse(dashboard_data(assessment, request.GET.get("page")),
                        json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("dashboard/", dashboard_index, name="dashboard_index"),
    path("assessments/<int:assessment_id>/dashboard/", dashboard, name="dashboard"),
    path("assessments/<int:assessment_id>/dashboard/data/", dashboard_json,
         name="dashboard_data"),
]
