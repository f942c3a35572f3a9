"""A course's page: what the course holds and where its sessions are booked, skipping a
session, stopping and resuming the course. Its sessions' pages are workday.views.sessions."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic import roles
from clinic.roles import Role, role_required
from consents import gate
from treatments import allergies, plans
from treatments.access import get_plan_for_user, get_session_for_user
from treatments.cocktails import CocktailBlocked
from treatments.forms import StopPlanForm
from treatments.models import Override, PlanArea, SessionLot, TreatmentPlan, TreatmentSession
from workday import visits
from workday.forms import ResumePlanForm, SkipSessionForm

SESSIONS_WITH_DETAILS = Prefetch(
    "sessions",
    queryset=TreatmentSession.objects.select_related("practitioner").prefetch_related(
        Prefetch("lots", SessionLot.objects.select_related("lot")), "appointments"
    ),
)


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def plan_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_object_or_404(
        TreatmentPlan.objects.visible_to(request.user)
        .select_related("patient", "prescriber", "protocol", "formulation")
        .prefetch_related(
            SESSIONS_WITH_DETAILS,
            Prefetch("areas", queryset=PlanArea.objects.select_related("area")),
            "formulation__lines__ingredient",
            Prefetch("overrides", queryset=Override.objects.select_related("overridden_by", "session")),
        ),
        pk=pk,
    )
    next_up = next((s for s in plan.sessions.all() if s.status in TreatmentSession.STILL_TO_COME), None)
    context = {
        "plan": plan,
        "today": timezone.localdate(),
        "stop_form": StopPlanForm(),
        "next_up": next_up,
        "ready": gate.before_session(next_up),
    }
    if roles.abilities_of(request.user).see_clinical:
        context["allergies"] = allergies.on_record(plan.patient)
    return render(request, "workday/plan_detail.html", context)


def first_error(form) -> str:
    return " ".join(next(iter(form.errors.values())))


@require_POST
@role_required(Role.DERMATOLOGIST)
def plan_resume(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    form = ResumePlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(plan)
    try:
        plans.resume_plan(plan=plan, reason=form.cleaned_data["reason"], resumed_by=request.user)
    except CocktailBlocked as blocked:
        messages.error(request, _("The course cannot resume: %(why)s") % {"why": blocked})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The course is active again; its sessions still to come are spaced from today."))
    return redirect(plan)


@require_POST
@role_required(Role.DERMATOLOGIST)
def session_skip(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = SkipSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(session.plan)
    try:
        visits.skip_session(session=session, reason=form.cleaned_data["reason"], skipped_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Session %(number)s is skipped; the sessions after it are spaced from the last one given.")
            % {"number": session.number},
        )
    return redirect(session.plan)


@require_POST
@role_required(Role.DERMATOLOGIST)
def plan_stop(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    form = StopPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(plan)
    try:
        visits.stop_course(plan=plan, reason=form.cleaned_data["reason"], stopped_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The course is stopped; sessions not yet done and their appointments are cancelled.")
        )
    return redirect(plan)
