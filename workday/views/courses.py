"""A course's page and its visits: what the course holds and where its sessions are booked,
recording a session (the visit), stopping the course."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.forms import add_error_by_field
from clinic.models import User
from clinic.roles import Role, role_required
from treatments import records, safety
from treatments.access import LINES_WITH_INGREDIENTS, get_plan_for_user, get_session_for_user
from treatments.cocktails import CocktailBlocked
from treatments.forms import (
    AmendSessionForm,
    LotFormSet,
    RecordSessionForm,
    SessionAreaFormSet,
    StopPlanForm,
)
from treatments.models import Formulation, PlanArea, SuspectedAllergy, TreatmentPlan, TreatmentSession
from workday import visits

SESSIONS_WITH_DETAILS = Prefetch(
    "sessions",
    queryset=TreatmentSession.objects.select_related("practitioner").prefetch_related("lots", "appointments"),
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
        ),
        pk=pk,
    )
    context = {"plan": plan, "today": timezone.localdate(), "stop_form": StopPlanForm()}
    return render(request, "workday/plan_detail.html", context)


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
        messages.success(request, "The course is stopped; sessions not yet done and their appointments are cancelled.")
    return redirect(plan)


def session_forms(request: HttpRequest, session: TreatmentSession):
    data = request.POST if request.method == "POST" else None
    dermatologists = User.objects.filter(groups__name=Role.DERMATOLOGIST).order_by("last_name")
    initial = {
        "done_at": timezone.localtime().replace(second=0, microsecond=0),
        "practitioner": request.user,
        "formulation": session.plan.formulation.versions()[-1],
        "reactions": [TreatmentSession.Reaction.NONE],
    }
    record = RecordSessionForm(data, initial=initial, session=session, dermatologists=dermatologists)
    areas = SessionAreaFormSet(
        data,
        prefix="areas",
        initial=[
            {"area": planned.area, "volume_ml": planned.volume_ml, "technique": planned.area.technique}
            for planned in session.plan.areas.select_related("area")
        ],
    )
    lots = LotFormSet(data, prefix="lots")
    return record, areas, lots


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def session_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    record = areas = lots = None
    if session.can_be_recorded:
        record, areas, lots = session_forms(request, session)
        if request.method == "POST":
            valid = [record.is_valid(), areas.is_valid(), lots.is_valid()]
            if all(valid):
                recorded = record_session_from_forms(request, session, record, areas, lots)
                if recorded:
                    messages.success(request, f"Session {session.number} is recorded.")
                    return redirect(recorded)
    elif request.method == "POST":
        messages.error(request, "This session cannot be recorded now.")
        return redirect(session)
    cocktail = Formulation.objects.prefetch_related(LINES_WITH_INGREDIENTS).get(
        pk=session.formulation_id or session.plan.formulation_id
    )
    findings = safety.check_formulation_for_patient(
        patient=session.plan.patient,
        formulation=cocktail,
        on_date=timezone.localdate(),
        plan=session.plan,
        session=session,
    )
    context = {
        "session": session,
        "plan": session.plan,
        "findings": findings,
        "unacknowledged_warnings": [f for f in findings if not f.is_block and not f.acknowledgement],
        "handovers": session.handovers.select_related("by"),
        "record": record,
        "areas": areas,
        "lots": lots,
        "amend_form": AmendSessionForm(instance=session) if session.is_done else None,
        "adverse_events": session.adverse_events.all(),
        "suspected_allergies": SuspectedAllergy.objects.pending()
        .filter(patient=session.plan.patient)
        .select_related("session")
        .prefetch_related("ingredients"),
    }
    return render(request, "workday/session_detail.html", context)


def record_session_from_forms(request, session, record, areas, lots) -> TreatmentSession | None:
    values = record.cleaned_data
    try:
        return visits.record_visit(
            session=session,
            done_at=values["done_at"],
            practitioner=values["practitioner"],
            formulation=values["formulation"],
            areas=[records.AdministeredArea(a["area"], a["volume_ml"], a["technique"]) for a in areas.cleaned_data],
            lots=[records.Lot(x["product"], x["lot_number"], x["expiry_date"]) for x in lots.cleaned_data if x],
            reactions=values["reactions"],
            reaction_notes=values["reaction_notes"],
            notes=values["notes"],
            acknowledgement_reason=values["acknowledgement_reason"],
            recorded_by=request.user,
        )
    except CocktailBlocked as blocked:
        record.add_error(
            "formulation", "This cocktail cannot be given: " + " ".join(f.reason for f in blocked.findings)
        )
    except safety.MissingAcknowledgement as missing:
        record.add_error(
            "acknowledgement_reason",
            "Record why it is safe to go ahead despite: " + " ".join(f.reason for f in missing.findings),
        )
    except ValidationError as error:
        add_error_by_field(record, error)
    return None
