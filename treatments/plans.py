"""Courses of sessions: planning them, recording what was injected, keeping the dates right.

The dates come from treatments/series.py; this module stores them and re-spaces the rest of
a course whenever a session's real date is known.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clinic.models import User
from patients.models import Patient
from scheduling.models import Appointment, AppointmentChange
from treatments import safety
from treatments.cocktails import CocktailBlocked, LineSpec, compose_formulation
from treatments.models import (
    Formulation,
    PlanArea,
    Protocol,
    SafetyAcknowledgement,
    SessionAmendment,
    SessionArea,
    SessionLot,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.series import PlannedSession, SeriesError, SeriesRules, plan_series

logger = logging.getLogger(__name__)

# How far back a course may start: recording a course begun last week is fine, last year is a mistake.
START_DATE_GRACE_DAYS = 7


@dataclass(frozen=True)
class AreaVolume:
    area: TreatmentArea
    volume_ml: Decimal


@dataclass(frozen=True)
class AdministeredArea:
    area: TreatmentArea
    volume_ml: Decimal
    technique: str


@dataclass(frozen=True)
class Lot:
    product: str
    lot_number: str
    expiry_date: date


class MissingAcknowledgement(Exception):
    """Warnings need a recorded reason before the course can go ahead."""

    def __init__(self, findings: list[safety.Finding]) -> None:
        self.findings = findings
        super().__init__(" ".join(finding.reason for finding in findings))


def rules_of(plan: TreatmentPlan) -> SeriesRules:
    return SeriesRules(
        sessions=plan.sessions_planned,
        interval_days=plan.interval_days,
        min_days=plan.min_days,
        max_days=plan.max_days,
        maintenance_interval_days=plan.maintenance_interval_days,
        maintenance_count=plan.maintenance_count,
        closed_weekdays=settings.CLINIC_CLOSED_WEEKDAYS,
    )


def check_start_date(start_date: date) -> None:
    today = timezone.localdate()
    if start_date < today - timedelta(days=START_DATE_GRACE_DAYS):
        raise ValidationError({"start_date": f"A course cannot start more than {START_DATE_GRACE_DAYS} days ago."})
    if start_date > today + timedelta(days=365):
        raise ValidationError({"start_date": "A course starts within the coming year."})


def preview_dates(plan: TreatmentPlan) -> list[PlannedSession]:
    """The dates a plan not yet saved would get; ValidationError if the rules cannot give any."""
    try:
        return plan_series(rules_of(plan), plan.start_date)
    except SeriesError as error:
        raise ValidationError(str(error)) from None


def spacing_warnings(plan: TreatmentPlan) -> list[str]:
    """Spacing closer than the protocol advises: allowed, but said out loud."""
    protocol = plan.protocol
    if protocol and plan.min_days < protocol.min_days:
        return [
            f"Sessions may come {plan.min_days} days apart; the {protocol.name.lower()} protocol advises at "
            f"least {protocol.min_days}."
        ]
    return []


def create_plan(
    *,
    patient: Patient,
    formulation: Formulation,
    areas: list[AreaVolume],
    start_date: date,
    sessions_planned: int,
    interval_days: int,
    min_days: int,
    max_days: int,
    created_by: User,
    prescriber: User | None = None,
    protocol: Protocol | None = None,
    indication: str | None = None,
    maintenance_interval_days: int | None = None,
    maintenance_count: int = 0,
    notes: str = "",
    status: str = TreatmentPlan.Status.ACTIVE,
    acknowledgement_reason: str = "",
) -> TreatmentPlan:
    """Plan a course and generate its sessions. A clinic template becomes the patient's own
    cocktail first. Raises CocktailBlocked for a block, MissingAcknowledgement for warnings
    without a reason, ValidationError for anything else."""
    check_start_date(start_date)
    if not areas:
        raise ValidationError({"areas": "Choose at least one area."})
    if len({area.area for area in areas}) < len(areas):
        raise ValidationError({"areas": "Each area once, please."})
    for area in areas:
        if area.volume_ml < Decimal("0.1"):
            raise ValidationError({"areas": f"{area.area}: plan at least 0.1 mL."})
    planned_volume = sum((area.volume_ml for area in areas), Decimal(0))
    if planned_volume > formulation.total_volume_ml:
        raise ValidationError(
            {
                "areas": f"The areas add up to {planned_volume.normalize():f} mL, more than the cocktail's "
                f"{formulation.total_volume_ml.normalize():f} mL per session."
            }
        )
    if formulation.patient_id not in (None, patient.pk):
        raise ValidationError({"formulation": "That cocktail belongs to another patient."})
    plan = TreatmentPlan(
        patient=patient,
        prescriber=prescriber or created_by,
        protocol=protocol,
        indication=indication or formulation.indication,
        formulation=formulation,
        sessions_planned=sessions_planned,
        interval_days=interval_days,
        min_days=min_days,
        max_days=max_days,
        maintenance_interval_days=maintenance_interval_days,
        maintenance_count=maintenance_count,
        start_date=start_date,
        status=status,
        notes=notes,
        created_by=created_by,
    )
    plan.full_clean(exclude=["formulation"])
    dates = preview_dates(plan)
    findings = safety.check_ingredients_for_patient(
        patient=patient, ingredients=[line.ingredient for line in formulation.lines.all()], on_date=start_date
    )
    if blocks := [finding for finding in findings if finding.is_block]:
        raise CocktailBlocked(blocks)
    warnings = warnings_needing_a_reason(patient=patient, formulation=formulation, findings=findings)
    if warnings and not acknowledgement_reason.strip():
        raise MissingAcknowledgement(warnings)

    with transaction.atomic():
        if formulation.is_template:
            plan.formulation = patients_copy_of(formulation, patient=patient, created_by=created_by)
        plan.save()
        PlanArea.objects.bulk_create([PlanArea(plan=plan, area=a.area, volume_ml=a.volume_ml) for a in areas])
        bulk_create_with_history([session_of(plan, planned) for planned in dates], TreatmentSession)
        acknowledge_all(
            patient=patient,
            formulation=plan.formulation,
            warnings=warnings,
            reason=acknowledgement_reason,
            acknowledged_by=created_by,
        )
    return plan


def patients_copy_of(template: Formulation, *, patient: Patient, created_by: User) -> Formulation:
    """The patient's own copy of a clinic template: an identical one they already have, or a new one."""
    name = f"{template.name} — {patient.full_name}"
    lines = [LineSpec(line.ingredient, line.amount, line.unit) for line in template.lines.all()]
    wanted = sorted((line.ingredient.pk, line.amount, line.unit) for line in lines)
    for existing in Formulation.objects.current().filter(patient=patient, name=name).prefetch_related("lines"):
        has = sorted((line.ingredient_id, line.amount, line.unit) for line in existing.lines.all())
        if has == wanted and existing.total_volume_ml == template.total_volume_ml:
            return existing
    return compose_formulation(
        name=name,
        indication=template.indication,
        total_volume_ml=template.total_volume_ml,
        lines=lines,
        notes=template.notes,
        patient=patient,
        created_by=created_by,
    )


def activate_plan(*, plan: TreatmentPlan, activated_by: User) -> TreatmentPlan:
    """Start a course saved as a draft: its cocktail is checked again for today."""
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().select_related("patient", "formulation").get(pk=plan.pk)
        if plan.status != TreatmentPlan.Status.DRAFT:
            raise ValidationError(f"The course is {plan.get_status_display().lower()}, not a draft.")
        findings = safety.check_formulation_for_patient(
            patient=plan.patient, formulation=plan.formulation, on_date=timezone.localdate()
        )
        if blocks := [finding for finding in findings if finding.is_block]:
            raise CocktailBlocked(blocks)
        if warnings := [f for f in findings if not f.is_block and not f.acknowledgement]:
            raise MissingAcknowledgement(warnings)
        plan.status = TreatmentPlan.Status.ACTIVE
        plan.save(update_fields=["status"])
    logger.info("Plan %s activated by %s", plan.pk, activated_by.username)
    return plan


def warnings_needing_a_reason(
    *, patient: Patient, formulation: Formulation, findings: list[safety.Finding]
) -> list[safety.Finding]:
    """The warnings among `findings` that no one has acknowledged for this patient's cocktail."""
    warnings = [finding for finding in findings if not finding.is_block]
    if formulation.is_template:
        return warnings
    acknowledged = set(
        SafetyAcknowledgement.objects.filter(patient=patient, formulation=formulation).values_list(
            "finding_key", flat=True
        )
    )
    return [finding for finding in warnings if finding.key not in acknowledged]


def acknowledge_all(
    *,
    patient: Patient,
    formulation: Formulation,
    warnings: list[safety.Finding],
    reason: str,
    acknowledged_by: User,
) -> None:
    SafetyAcknowledgement.objects.bulk_create(
        [
            SafetyAcknowledgement(
                patient=patient,
                formulation=formulation,
                finding_key=warning.key,
                finding=warning.reason,
                reason=reason.strip(),
                acknowledged_by=acknowledged_by,
            )
            for warning in warnings
        ]
    )


def session_of(plan: TreatmentPlan, planned: PlannedSession) -> TreatmentSession:
    return TreatmentSession(
        plan=plan,
        number=planned.number,
        maintenance=planned.maintenance,
        target_date=planned.target,
        earliest_date=planned.earliest,
        latest_date=planned.latest,
    )


def actual_dates(plan: TreatmentPlan) -> dict[int, date]:
    """The sessions whose day is known: the day done, or the day of the live appointment
    that books them."""
    known = {}
    for session in plan.sessions.prefetch_related("appointments"):
        if session.status == TreatmentSession.Status.DONE:
            known[session.number] = timezone.localtime(session.done_at).date()
        elif session.status == TreatmentSession.Status.BOOKED:
            live = [a for a in session.appointments.all() if a.is_live]
            if live:
                known[session.number] = timezone.localtime(live[0].start).date()
    return known


def respace(plan: TreatmentPlan) -> None:
    """Recompute the dates of the sessions not yet done from the real ones, append
    maintenance sessions once the course is complete, and complete the plan when all are done."""
    sessions = {session.number: session for session in plan.sessions.all()}
    known = actual_dates(plan)
    course_done = all(
        sessions.get(number) is not None and sessions[number].status == TreatmentSession.Status.DONE
        for number in range(1, plan.sessions_planned + 1)
    )
    try:
        series = plan_series(rules_of(plan), plan.start_date, known, strict=False, course_done=course_done)
    except SeriesError as error:
        raise ValidationError(str(error)) from None
    for planned in series:
        session = sessions.get(planned.number)
        if session is None:
            session_of(plan, planned).save(force_insert=True)
        elif session.status != TreatmentSession.Status.DONE:
            session.target_date, session.earliest_date, session.latest_date = (
                planned.target,
                planned.earliest,
                planned.latest,
            )
            session.save(update_fields=["target_date", "earliest_date", "latest_date"])
    open_statuses = [TreatmentSession.Status.PLANNED, TreatmentSession.Status.BOOKED]
    if plan.status == TreatmentPlan.Status.ACTIVE and not plan.sessions.filter(status__in=open_statuses).exists():
        plan.status = TreatmentPlan.Status.COMPLETED
        plan.save(update_fields=["status"])


def record_session(
    *,
    session: TreatmentSession,
    done_at: datetime,
    practitioner: User,
    formulation: Formulation,
    areas: list[AdministeredArea],
    lots: list[Lot],
    recorded_by: User,
    reaction: str = TreatmentSession.Reaction.NONE,
    reaction_notes: str = "",
    notes: str = "",
    acknowledgement_reason: str = "",
) -> TreatmentSession:
    """Record what was injected. The safety check runs again on the day: a block refuses,
    a new warning needs a reason. The formulation version is frozen from now on, and the
    rest of the course is re-spaced from this session's real date."""
    with transaction.atomic():
        session = TreatmentSession.objects.select_for_update().select_related("plan__patient").get(pk=session.pk)
        plan = session.plan
        if session.is_done:
            raise ValidationError("This session is already recorded; correct it with an amendment.")
        if plan.status != TreatmentPlan.Status.ACTIVE:
            raise ValidationError(f"The course is {plan.get_status_display().lower()}; activate it first.")
        if formulation.lineage != plan.formulation.lineage:
            raise ValidationError({"formulation": "Choose a version of this course's cocktail."})
        day = timezone.localtime(done_at).date()
        # Every refusal at once, each by its field, so the form is corrected in one go.
        errors = {}
        if date_error := recorded_date_error(session, done_at):
            errors["done_at"] = date_error
        if area_error := recorded_areas_error(plan, areas):
            errors["areas"] = area_error
        if lot_error := recorded_lots_error(lots, day):
            errors["lots"] = lot_error
        if errors:
            raise ValidationError(errors)
        findings = safety.check_formulation_for_patient(patient=plan.patient, formulation=formulation, on_date=day)
        if blocks := [finding for finding in findings if finding.is_block]:
            raise CocktailBlocked(blocks)
        warnings = [finding for finding in findings if not finding.is_block and not finding.acknowledgement]
        if warnings and not acknowledgement_reason.strip():
            raise MissingAcknowledgement(warnings)
        acknowledge_all(
            patient=plan.patient,
            formulation=formulation,
            warnings=warnings,
            reason=acknowledgement_reason,
            acknowledged_by=recorded_by,
        )
        session.status = TreatmentSession.Status.DONE
        session.done_at = done_at
        session.practitioner = practitioner
        session.formulation = formulation
        session.reaction = reaction
        session.reaction_notes = reaction_notes
        session.notes = notes
        session.recorded_by = recorded_by
        session.recorded_at = timezone.now()
        session.full_clean()
        session.save()
        SessionArea.objects.bulk_create(
            [SessionArea(session=session, area=a.area, volume_ml=a.volume_ml, technique=a.technique) for a in areas]
        )
        SessionLot.objects.bulk_create(
            [
                SessionLot(
                    session=session,
                    product=lot.product.strip(),
                    lot_number=lot.lot_number.strip(),
                    expiry_date=lot.expiry_date,
                )
                for lot in lots
            ]
        )
        formulation.freeze()
        settle_appointments(session, settled_by=recorded_by)
        respace(plan)
    return session


def recorded_date_error(session: TreatmentSession, done_at: datetime) -> str:
    if done_at > timezone.now() + timedelta(minutes=5):
        return "A session cannot be recorded in the future."
    if timezone.localtime(done_at).date() < session.plan.start_date:
        return "This is before the course started."
    earlier = session.plan.sessions.filter(number__lt=session.number, status=TreatmentSession.Status.DONE)
    last_done = earlier.order_by("-done_at").values_list("done_at", flat=True).first()
    if last_done and done_at <= last_done:
        earlier_day = f"{timezone.localtime(last_done):%d/%m/%Y %H:%M}"
        return f"An earlier session was done on {earlier_day}; this one comes after it."
    return ""


def recorded_areas_error(plan: TreatmentPlan, areas: list[AdministeredArea]) -> str:
    if not areas:
        return "Record the volume injected in at least one area."
    planned_areas = set(plan.areas.values_list("area_id", flat=True))
    recorded_areas = [area.area.pk for area in areas]
    if len(set(recorded_areas)) < len(recorded_areas) or not set(recorded_areas) <= planned_areas:
        return "Record each of the course's areas once."
    return ""


def recorded_lots_error(lots: list[Lot], day: date) -> str:
    if not lots:
        return "Record the lot of each product used."
    for lot in lots:
        if lot.expiry_date < day:
            return f"{lot.product}, lot {lot.lot_number}, expired on {lot.expiry_date:%d/%m/%Y}: do not use it."
    return ""


def settle_appointments(session: TreatmentSession, *, settled_by: User) -> None:
    """Once a session is recorded, its appointment that day is done, and one still to come is
    cancelled: otherwise the patient would come back for a session already given."""
    day = timezone.localtime(session.done_at).date()
    for appointment in Appointment.objects.select_for_update().filter(session=session).live():
        if timezone.localtime(appointment.start).date() == day:
            if appointment.status == Appointment.Status.DONE:
                continue
            appointment.status = Appointment.Status.DONE
            description = "Done: the session was recorded"
        elif appointment.start > timezone.now():
            appointment.status = Appointment.Status.CANCELLED
            appointment.cancellation_reason = f"The session was recorded on {day:%d/%m/%Y}"
            description = f"Cancelled: {appointment.cancellation_reason}"
        else:
            continue
        appointment.save(update_fields=["status", "cancellation_reason", "updated_at"])
        AppointmentChange.objects.create(appointment=appointment, changed_by=settled_by, description=description)


AMENDABLE_FIELDS = ("done_at", "reaction", "reaction_notes", "notes")


def amend_session(*, session: TreatmentSession, reason: str, amended_by: User, **changes) -> SessionAmendment:
    """Correct a recorded session; the amendment keeps what each field said before."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is corrected."})
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be amended: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
        if not session.is_done:
            raise ValidationError("Only a recorded session is amended; record this one instead.")
        diff = {}
        for field, value in changes.items():
            before = getattr(session, field)
            if before != value:
                diff[field] = [as_recorded(before), as_recorded(value)]
                setattr(session, field, value)
        if not diff:
            raise ValidationError("Nothing was changed.")
        if "done_at" in diff:
            if session.done_at is None:
                raise ValidationError({"done_at": "Enter when the session was done."})
            if session.done_at > timezone.now() + timedelta(minutes=5):
                raise ValidationError({"done_at": "A session cannot be recorded in the future."})
            if timezone.localtime(session.done_at).date() < session.plan.start_date:
                raise ValidationError({"done_at": "This is before the course started."})
        session.full_clean()
        session.save(update_fields=list(diff))
        amendment = SessionAmendment.objects.create(
            session=session, amended_by=amended_by, reason=reason.strip(), changes=diff
        )
        if "done_at" in diff:
            respace(session.plan)
    return amendment


def as_recorded(value) -> str:
    """A value as an amendment keeps it: datetimes in the clinic's time, to the minute."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def stop_plan(*, plan: TreatmentPlan, reason: str, stopped_by: User) -> TreatmentPlan:
    """Stop a course: sessions not yet done are cancelled; the record stays."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the course is stopped."})
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT):
            raise ValidationError(f"The course is already {plan.get_status_display().lower()}.")
        plan.status = TreatmentPlan.Status.STOPPED
        plan.stop_reason = f"{reason.strip()} ({stopped_by}, {timezone.localdate():%d/%m/%Y})"[:300]
        plan.save(update_fields=["status", "stop_reason"])
        for session in plan.sessions.filter(
            status__in=[TreatmentSession.Status.PLANNED, TreatmentSession.Status.BOOKED]
        ):
            session.status = TreatmentSession.Status.CANCELLED
            session.save(update_fields=["status"])
    return plan
