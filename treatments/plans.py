"""Courses of sessions: planning them, starting, stopping and resuming them, skipping a
session, keeping the dates right.

The dates come from treatments/series.py; this module stores them and re-spaces the rest of
a course whenever a session's real date is known: done (treatments/records.py) or booked
(scheduling tells it through mark_booked, release_booking and mark_missed), or when a
session is skipped or the course resumed.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from clinic.models import User
from clinic.reasons import reason_error
from patients.models import Patient
from treatments import overrides, safety
from treatments.cocktails import CocktailBlocked, LineSpec, areas_error, compose_formulation
from treatments.models import (
    Formulation,
    PlanArea,
    Protocol,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    Unit,
    format_amount,
)
from treatments.series import PlannedSession, SeriesError, SeriesRules, plan_series

logger = logging.getLogger(__name__)

# How far back a course may start: recording a course begun last week is fine, last year is a mistake.
START_DATE_GRACE_DAYS = 7


@dataclass(frozen=True)
class AreaVolume:
    area: TreatmentArea
    volume_ml: Decimal


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
        raise ValidationError(
            {"start_date": _("A course cannot start more than %(days)s days ago.") % {"days": START_DATE_GRACE_DAYS}}
        )
    if start_date > today + timedelta(days=365):
        raise ValidationError({"start_date": _("A course starts within the coming year.")})


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
            _("Sessions may come %(min_days)s days apart; the %(protocol)s protocol advises at least %(advised)s.")
            % {"min_days": plan.min_days, "protocol": protocol.name.lower(), "advised": protocol.min_days}
        ]
    return []


def planned_volume(areas: list[AreaVolume]) -> Decimal:
    return sum((area.volume_ml for area in areas), Decimal(0))


def planned_volume_error(areas: list[AreaVolume], formulation: Formulation) -> str:
    """The areas of a session may use the cocktail's whole volume, not more."""
    planned = planned_volume(areas)
    if planned > formulation.total_volume_ml:
        return _("The areas add up to %(planned)s, more than the cocktail's %(available)s per session.") % {
            "planned": format_amount(planned, Unit.ML),
            "available": format_amount(formulation.total_volume_ml, Unit.ML),
        }
    return ""


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
    override_reason: str = "",
    overriding: Iterable[str] = (),
) -> TreatmentPlan:
    """Plan a course and generate its sessions. A clinic template becomes the patient's own
    cocktail first. A block refuses (OverrideNeeded) unless a dermatologist overrides it for
    the course in writing (`overriding` names the blocks they were shown); warnings without a
    reason raise MissingAcknowledgement, anything else ValidationError."""
    check_start_date(start_date)
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area.")})
    if len({area.area for area in areas}) < len(areas):
        raise ValidationError({"areas": _("Each area once, please.")})
    for area in areas:
        if area.volume_ml < Decimal("0.1"):
            raise ValidationError(
                {
                    "areas": _("%(area)s: plan at least %(minimum)s.")
                    % {"area": area.area, "minimum": format_amount(Decimal("0.1"), Unit.ML)}
                }
            )
    if volume_error := planned_volume_error(areas, formulation) or areas_error(formulation, areas):
        raise ValidationError({"areas": volume_error})
    if formulation.patient_id not in (None, patient.pk):
        raise ValidationError({"formulation": _("That cocktail belongs to another patient.")})
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
    findings = planning_findings(patient, formulation, start_date)
    blocks = overrides.course_block_breaches(findings)
    overrides.check_overridden(blocks, reason=override_reason, shown=overriding, by=created_by)
    warnings = safety.warnings_needing_a_reason(patient=patient, formulation=formulation, findings=findings)
    if warnings and not acknowledgement_reason.strip():
        raise safety.MissingAcknowledgement(warnings)

    with transaction.atomic():
        if formulation.is_template:
            plan.formulation = patients_copy_of(
                formulation, patient=patient, created_by=created_by, blocks_overridden=bool(blocks)
            )
            if blocks:
                # The course's own copy has lines of its own: its blocks are the ones its
                # sessions will meet, and the ones the override must name.
                blocks = overrides.course_block_breaches(planning_findings(patient, plan.formulation, start_date))
        plan.save()
        overrides.write(blocks, plan=plan, session=None, reason=override_reason, by=created_by)
        PlanArea.objects.bulk_create([PlanArea(plan=plan, area=a.area, volume_ml=a.volume_ml) for a in areas])
        bulk_create_with_history([session_of(plan, planned) for planned in dates], TreatmentSession)
        safety.acknowledge_all(
            patient=patient,
            formulation=plan.formulation,
            plan=plan,
            warnings=warnings,
            reason=acknowledgement_reason,
            acknowledged_by=created_by,
        )
    return plan


def planning_findings(patient: Patient, formulation: Formulation, on_date: date) -> list[safety.Finding]:
    """What safety says of `formulation` for a course of `patient`'s not yet saved."""
    return safety.check_ingredients_for_patient(
        patient=patient, ingredients=[line.ingredient for line in formulation.lines.all()], on_date=on_date
    ) + safety.dose_findings(formulation)


DATES_NEED = ("start_date", "sessions_planned", "interval_days", "min_days", "max_days")


def plan_defaults(patient: Patient, protocol: Protocol | None) -> tuple[dict, list[dict]]:
    """What a new plan starts from: the protocol's defaults, the patient's latest cocktail
    for that indication (or the protocol's template), today's date; each active area with
    its typical volume, the protocol's own ones included."""
    initial = {"start_date": timezone.localdate(), "protocol": protocol}
    default_areas = set()
    if protocol:
        own = (
            Formulation.objects.current()
            .filter(patient=patient, indication=protocol.indication)
            .order_by("-created_at")
            .first()
        )
        initial.update(
            formulation=own or protocol.default_formulation,
            sessions_planned=protocol.sessions,
            interval_days=protocol.interval_days,
            min_days=protocol.min_days,
            max_days=protocol.max_days,
            maintenance_interval_days=protocol.maintenance_interval_days,
            maintenance_count=protocol.maintenance_count,
        )
        default_areas = set(protocol.default_areas.all())
    areas = [
        {"area": area, "included": area in default_areas, "volume_ml": area.typical_volume_ml}
        for area in TreatmentArea.objects.filter(active=True)
    ]
    return initial, areas


def preview_plan(*, patient: Patient, values: dict, areas: list[AreaVolume], dates_known: bool) -> dict:
    """What the plan form's side panel shows for a plan not yet saved, by create_plan's own
    rules: its dates (when `values` hold every field they need, else why not), spacing
    warnings, the safety findings of its cocktail and the volume its `areas` use."""
    preview = {
        "dates": [],
        "date_problem": "",
        "spacing_warnings": [],
        "findings": [],
        "acknowledged": set(),
        "needs_reason": False,
        "override_keys": "",
        "volume": None,
    }
    if dates_known and all(values.get(name) for name in DATES_NEED):
        plan = TreatmentPlan(
            patient=patient,
            protocol=values.get("protocol"),
            start_date=values["start_date"],
            sessions_planned=values["sessions_planned"],
            interval_days=values["interval_days"],
            min_days=values["min_days"],
            max_days=values["max_days"],
            maintenance_interval_days=values.get("maintenance_interval_days"),
            maintenance_count=values.get("maintenance_count") or 0,
        )
        try:
            check_start_date(plan.start_date)
            preview["dates"] = preview_dates(plan)
        except ValidationError as error:
            preview["date_problem"] = " ".join(error.messages)
        preview["spacing_warnings"] = spacing_warnings(plan)
    elif not dates_known:
        preview["date_problem"] = _("Correct the fields marked in red to see the dates.")
    if formulation := values.get("formulation"):
        findings = planning_findings(patient, formulation, values.get("start_date") or timezone.localdate())
        preview["override_keys"] = " ".join(breach.key for breach in overrides.course_block_breaches(findings))
        needing = safety.warnings_needing_a_reason(patient=patient, formulation=formulation, findings=findings)
        preview["findings"] = findings
        preview["needs_reason"] = bool(needing)
        preview["acknowledged"] = {f.key for f in findings if not f.is_block} - {f.key for f in needing}
        preview["volume"] = {
            "planned": planned_volume(areas),
            "available": formulation.total_volume_ml,
            "too_much": bool(planned_volume_error(areas, formulation)),
        }
    return preview


def fitted(text: str, length: int) -> str:
    """`text` cut to `length` characters with an ellipsis, so a derived name never overflows."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def patients_copy_of(
    template: Formulation, *, patient: Patient, created_by: User, blocks_overridden: bool = False
) -> Formulation:
    """The patient's own copy of a clinic template: an identical one they already have, or a
    new one (despite its blocks when the course overrides them)."""
    name = fitted(f"{template.name} — {patient.full_name}", Formulation._meta.get_field("name").max_length)
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
        blocks_overridden=blocks_overridden,
    )


def activate_plan(
    *, plan: TreatmentPlan, activated_by: User, override_reason: str = "", overriding: Iterable[str] = ()
) -> TreatmentPlan:
    """Start a course saved as a draft: its cocktail is checked again for today. A block not
    yet overridden for the course refuses (OverrideNeeded) unless a dermatologist overrides it
    now, in writing, for the course."""
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().select_related("patient", "formulation").get(pk=plan.pk)
        if plan.status != TreatmentPlan.Status.DRAFT:
            raise ValidationError(
                _("The course is %(status)s, not a draft.") % {"status": plan.get_status_display().lower()}
            )
        findings = activation_findings(plan)
        overrides.settle_for_course(
            overrides.course_block_breaches(findings, plan),
            plan=plan,
            reason=override_reason,
            shown=overriding,
            by=activated_by,
        )
        if warnings := [f for f in findings if not f.is_block and not f.acknowledgement]:
            raise safety.MissingAcknowledgement(warnings)
        plan.status = TreatmentPlan.Status.ACTIVE
        plan.save(update_fields=["status"])
    logger.info("Plan %s activated by %s", plan.pk, activated_by.username)
    return plan


def activation_findings(plan: TreatmentPlan) -> list[safety.Finding]:
    """What safety says today of a draft course's cocktail: the activation checks it, and its
    page shows it before."""
    return safety.check_formulation_for_patient(
        patient=plan.patient, formulation=plan.formulation, on_date=timezone.localdate(), plan=plan
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
    """The sessions whose day is known: the day done, or the day it is booked for."""
    return known_days(plan.sessions.all())


def known_days(sessions) -> dict[int, date]:
    return {session.number: day for session in sessions if (day := session.known_day)}


def lock_course(*, plan_id) -> None:
    """Lock a course before any of its sessions or their appointments. Every write that changes
    them takes its locks in this order (course, session, appointment), so two writes never
    wait for each other in a circle (PostgreSQL would refuse one as a deadlock)."""
    list(TreatmentPlan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True))


def locked_session(pk) -> TreatmentSession:
    """The session read afresh under its lock, its course locked first (see lock_course)."""
    lock_course(plan_id=TreatmentSession.objects.values_list("plan_id", flat=True).get(pk=pk))
    return TreatmentSession.objects.select_for_update(of=("self",)).select_related("plan__patient").get(pk=pk)


def mark_booked(*, session: TreatmentSession, start: datetime, practitioner: User) -> TreatmentSession:
    """An appointment now books `session` (scheduling's booking and moves call this, inside
    their transaction); the rest of the course is re-spaced around its day. The session is
    read again under a lock: a course stopped a moment ago refuses the booking."""
    with transaction.atomic():
        session = locked_session(session.pk)
        if refusal := session.why_not_bookable():
            raise ValidationError({"session": refusal})
        session.status = TreatmentSession.Status.BOOKED
        session.booked_for, session.booked_with = start, practitioner
        session.save(update_fields=["status", "booked_for", "booked_with"])
        respace(session.plan)
    return session


def release_booking(*, session: TreatmentSession) -> TreatmentSession:
    """The appointment that booked `session` is cancelled: it is to book again."""
    return unbook(session, TreatmentSession.Status.PLANNED)


def mark_missed(*, session: TreatmentSession) -> TreatmentSession:
    """The appointment that booked `session` was a no-show: the session is missed, stays in
    the course to book again, and the sessions after it are spaced as if it were not done.
    Undoing the no-show books it again (mark_booked)."""
    return unbook(session, TreatmentSession.Status.MISSED)


def unbook(session: TreatmentSession, status: str) -> TreatmentSession:
    """`session` no longer booked, now `status`; a session recorded or stopped meanwhile stays as it is."""
    with transaction.atomic():
        session = locked_session(session.pk)
        if session.status == TreatmentSession.Status.BOOKED:
            session.status = status
            session.booked_for = session.booked_with = None
            session.save(update_fields=["status", "booked_for", "booked_with"])
            respace(session.plan)
    return session


# A skipped session keeps the dates it had when it was skipped: they say when it was due.
DATES_SETTLED = [TreatmentSession.Status.DONE, TreatmentSession.Status.SKIPPED]


def series_of(plan: TreatmentPlan, sessions, known: dict[int, date], *, course_done: bool | None = None):
    """The course's dates around the days `known`, given its `sessions` (for the skipped ones)
    and the day it resumed."""
    skipped = frozenset(session.number for session in sessions if session.status == TreatmentSession.Status.SKIPPED)
    try:
        return plan_series(
            rules_of(plan),
            plan.start_date,
            known,
            strict=False,
            course_done=course_done,
            skipped=skipped,
            resumed_on=plan.resumed_on,
        )
    except SeriesError as error:
        raise ValidationError(str(error)) from None


def respace(plan: TreatmentPlan) -> None:
    """Recompute the dates of the sessions still to come from the real ones, append
    maintenance sessions once the course is complete, and complete the plan when none is left."""
    sessions = {session.number: session for session in plan.sessions.all()}
    known = known_days(sessions.values())
    course_done = all(
        sessions.get(number) is not None and sessions[number].status in DATES_SETTLED
        for number in range(1, plan.sessions_planned + 1)
    )
    for planned in series_of(plan, sessions.values(), known, course_done=course_done):
        session = sessions.get(planned.number)
        if session is None:
            session_of(plan, planned).save(force_insert=True)
        elif session.status not in DATES_SETTLED:
            session.target_date, session.earliest_date, session.latest_date = (
                planned.target,
                planned.earliest,
                planned.latest,
            )
            session.save(update_fields=["target_date", "earliest_date", "latest_date"])
    still_to_come = plan.sessions.filter(status__in=TreatmentSession.STILL_TO_COME)
    if plan.status == TreatmentPlan.Status.ACTIVE and not still_to_come.exists():
        plan.status = TreatmentPlan.Status.COMPLETED
        plan.save(update_fields=["status"])


def stop_plan(*, plan: TreatmentPlan, reason: str, stopped_by: User) -> TreatmentPlan:
    """Stop a course: sessions not yet done are cancelled; the record stays. Their
    appointments are scheduling's: workday.visits.stop_course stops a course with them."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the course is stopped.")})
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT):
            raise ValidationError(
                _("The course is already %(status)s.") % {"status": plan.get_status_display().lower()}
            )
        plan.status = TreatmentPlan.Status.STOPPED
        plan.stop_reason = signed(reason, stopped_by)
        plan.save(update_fields=["status", "stop_reason"])
        for session in plan.sessions.select_for_update().filter(status__in=TreatmentSession.STILL_TO_COME):
            session.status = TreatmentSession.Status.CANCELLED
            session.booked_for = session.booked_with = None
            session.save(update_fields=["status", "booked_for", "booked_with"])
    return plan


def signed(reason: str, by: User) -> str:
    """A reason as the record keeps it: who gave it and when, within its 300 characters."""
    return f"{reason.strip()} ({by}, {date_format(timezone.localdate(), 'd/m/Y')})"[:300]


def skip_session(*, session: TreatmentSession, reason: str, skipped_by: User) -> TreatmentSession:
    """Skip one session still to come, with the reason on it: the sessions after it are spaced
    from the last one given, and a course with nothing left to give is complete. Its
    appointments are scheduling's: workday.visits.skip_session skips a session with them."""
    if error := reason_error(reason, asked=_("Say why the session is skipped")):
        raise ValidationError({"reason": error})
    with transaction.atomic():
        session = locked_session(session.pk)
        if not session.can_be_skipped:
            raise ValidationError(
                _("Session %(number)s is %(status)s; only a session still to come in an active course can be skipped.")
                % {"number": session.number, "status": session.get_status_display().lower()}
            )
        session.status = TreatmentSession.Status.SKIPPED
        session.skip_reason = signed(reason, skipped_by)
        session.booked_for = session.booked_with = None
        session.save(update_fields=["status", "skip_reason", "booked_for", "booked_with"])
        respace(session.plan)
    logger.info("Session %s skipped by %s", session.pk, skipped_by.username)
    return session


def resume_plan(*, plan: TreatmentPlan, reason: str, resumed_by: User) -> TreatmentPlan:
    """Resume a stopped course: the sessions the stop cancelled are to book again, spaced from
    today (series.plan_series, resumed_on). The cocktail is checked again for today: a block
    refuses (CocktailBlocked); the stop reason stays on the course, for the record."""
    if error := reason_error(reason, asked=_("Say why the course is resumed")):
        raise ValidationError({"reason": error})
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().select_related("patient", "formulation").get(pk=plan.pk)
        if plan.status != TreatmentPlan.Status.STOPPED:
            raise ValidationError(
                _("The course is %(status)s; only a stopped course can be resumed.")
                % {"status": plan.get_status_display().lower()}
            )
        findings = safety.check_formulation_for_patient(
            patient=plan.patient, formulation=plan.formulation, on_date=timezone.localdate(), plan=plan
        )
        covered = overrides.overridden_for_course(plan)
        if blocks := [finding for finding in findings if finding.is_block and finding.key not in covered]:
            raise CocktailBlocked(blocks)
        plan.status = TreatmentPlan.Status.ACTIVE
        plan.resumed_on = timezone.localdate()
        plan.resume_reason = signed(reason, resumed_by)
        plan.save(update_fields=["status", "resumed_on", "resume_reason"])
        for session in plan.sessions.select_for_update().filter(status=TreatmentSession.Status.CANCELLED):
            session.status = TreatmentSession.Status.PLANNED
            session.save(update_fields=["status"])
        respace(plan)
    logger.info("Plan %s resumed by %s", plan.pk, resumed_by.username)
    return plan
