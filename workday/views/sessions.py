"""A session's page: recording it (the visit) and correcting its record, each with the
safety findings of the day and the overrides a dermatologist may write."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinic.forms import add_error_by_field
from clinic.models import User
from clinic.roles import Role, role_required
from consents import gate
from treatments import allergies, overrides, records, safety
from treatments.access import get_session_for_user
from treatments.cocktails import version_to_give
from treatments.forms import (
    AmendLotFormSet,
    AmendSessionForm,
    GivenAreaFormSet,
    LotFormSet,
    RecordSessionForm,
    SessionAreaFormSet,
    lot_forms_initial,
    lots_of,
    show_lot_refusals,
)
from treatments.models import SuspectedAllergy, TreatmentSession
from workday import visits

NOT_AMENDED = {"reason", "acknowledgement_reason", "override_reason", "overridden_rules", "amendments_seen"}


def dermatologists():
    return User.objects.filter(groups__name=Role.DERMATOLOGIST).order_by("last_name")


def session_forms(request: HttpRequest, session: TreatmentSession):
    data = request.POST if request.method == "POST" else None
    initial = {
        "done_at": timezone.localtime().replace(second=0, microsecond=0),
        "practitioner": request.user,
        "formulation": version_to_give(session),
        "reactions": [TreatmentSession.Reaction.NONE],
    }
    record = RecordSessionForm(data, initial=initial, session=session, dermatologists=dermatologists())
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
    if not session.can_be_recorded:
        if request.method == "POST":
            messages.error(request, _("This session cannot be recorded now."))
            return redirect(session)
        return session_page(request, session)
    record, areas, lots = session_forms(request, session)
    if request.method == "POST" and all([record.is_valid(), areas.is_valid(), lots.is_valid()]):
        try:
            recorded = record_session_from_forms(request, session, record, areas, lots)
        except overrides.OverrideNeeded as needed:
            ask_for_override(record, needed)
            return session_page(request, session, record=record, areas=areas, lots=lots, override_keys=needed.keys)
        if recorded:
            messages.success(request, _("Session %(number)s is recorded.") % {"number": session.number})
            return redirect(recorded)
    return session_page(request, session, record=record, areas=areas, lots=lots)


def given_areas_formset(session: TreatmentSession, data=None):
    """The correction's areas: each of the course's (and any other recorded), with the volume
    and technique recorded; an area left without a volume was not given."""
    recorded = {given.area_id: given for given in session.areas.select_related("area")}
    areas = [planned.area for planned in session.plan.areas.select_related("area")]
    areas += [given.area for area_id, given in recorded.items() if area_id not in {area.pk for area in areas}]
    initial = [
        {
            "area": area,
            "volume_ml": recorded[area.pk].volume_ml if area.pk in recorded else None,
            "technique": recorded[area.pk].technique if area.pk in recorded else area.technique,
        }
        for area in areas
    ]
    return GivenAreaFormSet(data, prefix="given", initial=initial)


@require_POST
@role_required(Role.DERMATOLOGIST)
def session_amend(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = AmendSessionForm(
        request.POST, instance=get_session_for_user(request.user, pk), dermatologists=dermatologists()
    )
    lots = amend_lot_forms(request, session)
    # A correction that does not send the areas given leaves them as recorded.
    given = given_areas_formset(session, request.POST) if "given-TOTAL_FORMS" in request.POST else None
    page = {"amend_form": form, "amend_lots": lots, "amend_areas": given, "status": 400}
    if not all([form.is_valid(), lots is None or lots.is_valid(), given is None or given.is_valid()]):
        return session_page(request, session, **page)
    values = form.cleaned_data
    try:
        records.amend_session(
            session=session,
            reason=values["reason"],
            amended_by=request.user,
            acknowledgement_reason=values["acknowledgement_reason"],
            override_reason=values["override_reason"],
            overriding=form.overriding(),
            amendments_seen=values["amendments_seen"],
            lots=None if lots is None else lots_of(lots),
            areas=None if given is None else areas_of(given.given()),
            **{field: values[field] for field in form.changed_data if field not in NOT_AMENDED},
        )
    except overrides.OverrideNeeded as needed:
        ask_for_override(form, needed)
        return session_page(request, session, **page, override_keys=needed.keys)
    except safety.MissingAcknowledgement as missing:
        ask_for_acknowledgement(form, missing)
        return session_page(request, session, **page)
    except records.RecordChanged as changed:
        messages.error(request, " ".join(changed.messages))
        return session_page(request, get_session_for_user(request.user, pk), status=409)
    except ValidationError as error:
        if given is not None and "areas" in getattr(error, "error_dict", {}):
            given.refuse([message for refusal in error.error_dict.pop("areas") for message in refusal.messages])
        add_refusals(form, lots, error)
        return session_page(request, session, **page)
    messages.success(request, _("The record is corrected; the original stays in its history."))
    return redirect(session)


def amend_lot_forms(request: HttpRequest, session: TreatmentSession):
    """The correction's lot rows as sent (the lots it wants on the record; the write keeps the
    record as it is when they are the same); None when it sent none, for a client that
    corrects something else."""
    if "amend-lots-TOTAL_FORMS" not in request.POST:
        return None
    return AmendLotFormSet(request.POST, prefix="amend-lots")


def areas_of(rows: list[dict]) -> list[records.AdministeredArea]:
    return [records.AdministeredArea(row["area"], row["volume_ml"], row["technique"]) for row in rows]


@require_POST
@role_required(Role.DERMATOLOGIST)
def session_sign(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    try:
        records.sign_session(session=session, signed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You signed the record of this session."))
    return redirect(session)


def session_page(
    request: HttpRequest,
    session: TreatmentSession,
    *,
    record=None,
    areas=None,
    lots=None,
    amend_form: AmendSessionForm | None = None,
    amend_lots=None,
    amend_areas=None,
    override_keys: str = "",
    status: int = 200,
) -> HttpResponse:
    cocktail = version_to_give(session)
    findings = safety.check_formulation_for_patient(
        patient=session.plan.patient,
        formulation=cocktail,
        on_date=timezone.localdate(),
        plan=session.plan,
        session=session,
    )
    recorded_lots = list(session.lots.select_related("lot__product"))
    if session.is_done and amend_form is None:
        amend_form = AmendSessionForm(instance=session, dermatologists=dermatologists())
    if session.is_done and amend_lots is None:
        amend_lots = AmendLotFormSet(prefix="amend-lots", initial=lot_forms_initial(recorded_lots))
    if session.is_done and amend_areas is None:
        amend_areas = given_areas_formset(session)
    # The blocks overridden for the whole course show with their override, and ask nothing.
    for_the_course = (
        {o.finding_key: o for o in overrides.course_overrides(session.plan).select_related("overridden_by")}
        if any(finding.is_block for finding in findings)
        else {}
    )
    blocks = overrides.block_breaches(session, findings, covered=set(for_the_course))
    context = {
        "session": session,
        "plan": session.plan,
        "findings": findings,
        "safety_today": [(f, for_the_course.get(f.key) if f.is_block else None) for f in findings],
        "unacknowledged_warnings": [f for f in findings if not f.is_block and not f.acknowledgement],
        "blocked": bool(blocks),
        "override_keys": override_keys or " ".join(b.key for b in blocks),
        "overrides": session.overrides.select_related("overridden_by"),
        "handovers": session.handovers.select_related("by"),
        "ready": gate.before_session(session),
        "record": record,
        "areas": areas,
        "lots": lots,
        "amend_form": amend_form,
        "amend_lots": amend_lots,
        "recorded_lots": recorded_lots,
        "amend_areas": amend_areas,
        "adverse_events": session.adverse_events.all(),
        "allergies": allergies.on_record(session.plan.patient),
        "suspected_allergies": SuspectedAllergy.objects.pending()
        .filter(patient=session.plan.patient)
        .select_related("session")
        .prefetch_related("ingredients"),
    }
    return render(request, "workday/session_detail.html", context, status=status)


def ask_for_override(form, needed: overrides.OverrideNeeded) -> None:
    form.add_error(
        "override_reason",
        _("Refused: %(breaches)s A dermatologist may go ahead anyway by writing why here.")
        % {"breaches": " ".join(breach.message for breach in needed.breaches)},
    )


def ask_for_acknowledgement(form, missing: safety.MissingAcknowledgement) -> None:
    form.add_error(
        "acknowledgement_reason",
        _("Record why it is safe to go ahead despite: %(warnings)s")
        % {"warnings": " ".join(f.reason for f in missing.findings)},
    )


def record_session_from_forms(request, session, record, areas, lots) -> TreatmentSession | None:
    values = record.cleaned_data
    try:
        return visits.record_visit(
            session=session,
            done_at=values["done_at"],
            practitioner=values["practitioner"],
            formulation=values["formulation"],
            areas=[records.AdministeredArea(a["area"], a["volume_ml"], a["technique"]) for a in areas.cleaned_data],
            lots=lots_of(lots),
            reactions=values["reactions"],
            reaction_notes=values["reaction_notes"],
            notes=values["notes"],
            acknowledgement_reason=values["acknowledgement_reason"],
            override_reason=values["override_reason"],
            overriding=record.overriding(),
            recorded_by=request.user,
        )
    except safety.MissingAcknowledgement as missing:
        ask_for_acknowledgement(record, missing)
    except ValidationError as error:
        add_refusals(record, lots, error)
    return None


def add_refusals(form, lots, error: ValidationError) -> None:
    """A write's refusals by their fields: a lot's beside its row, the rest on the form."""
    if lot_rows := getattr(error, "lot_rows", None):
        show_lot_refusals(lots, lot_rows)
        error = ValidationError({field: e for field, e in error.error_dict.items() if field != "lots"})
    add_error_by_field(form, error)
