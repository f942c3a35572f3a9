"""Recording what was injected in a session, and correcting a record afterwards.

Recording alone writes only treatments' rows; a visit (the record plus its appointment)
is workday.visits.record_visit, which calls record_session.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic.models import User
from clinic.reasons import reason_error
from treatments import cocktails, overrides, plans, safety
from treatments.models import (
    Formulation,
    SessionAmendment,
    SessionArea,
    SessionLot,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    Unit,
    format_amount,
)


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


def record_session(
    *,
    session: TreatmentSession,
    done_at: datetime,
    practitioner: User,
    formulation: Formulation,
    areas: list[AdministeredArea],
    lots: list[Lot],
    recorded_by: User,
    reactions: list[str] | None = None,
    reaction_notes: str = "",
    notes: str = "",
    acknowledgement_reason: str = "",
    override_reason: str = "",
    overriding: Iterable[str] = (),
) -> TreatmentSession:
    """Record what was injected. The safety check runs again on the day: a new warning needs
    a reason; a block, a date before the session's window or out of the course's order, and
    the same area treated too recently in another course refuse unless a dermatologist
    overrides them in writing (`overriding` names the breaches they were shown). The
    formulation version is frozen from now on, and the rest of the course is re-spaced from
    this session's real date. A severe reaction suspends the cocktail's ingredients until a
    dermatologist decides on the allergy."""
    with transaction.atomic():
        session = plans.locked_session(session.pk)
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
        if date_error := done_at_error(session, done_at):
            errors["done_at"] = date_error
        if area_error := recorded_areas_error(plan, areas, formulation):
            errors["areas"] = area_error
        if lot_error := recorded_lots_error(lots, day):
            errors["lots"] = lot_error
        if errors:
            raise ValidationError(errors)
        findings = safety.check_formulation_for_patient(
            patient=plan.patient, formulation=formulation, on_date=day, plan=plan
        )
        breaches = (
            overrides.block_breaches(session, findings)
            + overrides.order_breaches(session)
            + overrides.spacing_breaches(session, day, plans.rules_of(plan))
            + overrides.area_spacing_breaches(session, day, [area.area for area in areas])
        )
        overrides.settle(breaches, session=session, reason=override_reason, shown=overriding, by=recorded_by)
        warnings = [finding for finding in findings if not finding.is_block and not finding.acknowledgement]
        if warnings and not acknowledgement_reason.strip():
            raise safety.MissingAcknowledgement(warnings)
        safety.acknowledge_all(
            patient=plan.patient,
            formulation=formulation,
            plan=plan,
            warnings=warnings,
            reason=acknowledgement_reason,
            acknowledged_by=recorded_by,
        )
        session.status = TreatmentSession.Status.DONE
        session.done_at = done_at
        session.practitioner = practitioner
        session.formulation = formulation
        session.reactions = TreatmentSession.ordered_reactions(reactions or [TreatmentSession.Reaction.NONE])
        session.reaction_notes = reaction_notes
        session.notes = notes
        session.recorded_by = recorded_by
        session.recorded_at = timezone.now()
        session.signed_at = session.recorded_at if practitioner == recorded_by else None
        session.booked_for = session.booked_with = None
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
        safety.suspect_allergy(session=session)
        plans.respace(plan)
    return session


def done_at_error(session: TreatmentSession, done_at: datetime) -> str:
    """What is wrong with `done_at` as the time `session` was given: recording and amending
    both ask this."""
    if done_at > timezone.now() + timedelta(minutes=5):
        return "A session cannot be recorded in the future."
    if timezone.localtime(done_at).date() < session.plan.start_date:
        return "This is before the course started."
    done = session.plan.sessions.filter(status=TreatmentSession.Status.DONE).exclude(pk=session.pk)
    last_done = done.filter(number__lt=session.number).order_by("-done_at").values_list("done_at", flat=True).first()
    if last_done and done_at <= last_done:
        return f"An earlier session was done on {as_recorded_day(last_done)}; this one comes after it."
    next_done = done.filter(number__gt=session.number).order_by("done_at").values_list("done_at", flat=True).first()
    if next_done and done_at >= next_done:
        return f"A later session was done on {as_recorded_day(next_done)}; this one comes before it."
    return ""


def as_recorded_day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def recorded_areas_error(plan: TreatmentPlan, areas: list[AdministeredArea], formulation: Formulation) -> str:
    if not areas:
        return "Record the volume injected in at least one area."
    if any(area.volume_ml <= 0 for area in areas):
        return "Record more than 0 mL for each area given."
    if any(area.technique not in TreatmentArea.Technique.values for area in areas):
        return "Choose the technique used in each area."
    planned_areas = set(plan.areas.values_list("area_id", flat=True))
    recorded_areas = [area.area.pk for area in areas]
    if len(set(recorded_areas)) < len(recorded_areas) or not set(recorded_areas) <= planned_areas:
        return "Record each of the course's areas once."
    given = sum((area.volume_ml for area in areas), Decimal(0))
    if given > formulation.total_volume_ml:
        return (
            f"The areas add up to {given.normalize():f} mL, more than the "
            f"{formulation.total_volume_ml.normalize():f} mL of cocktail prepared."
        )
    return cocktails.areas_error(formulation, areas)


def recorded_lots_error(lots: list[Lot], day: date) -> str:
    if not lots:
        return "Record the lot of each product used."
    for lot in lots:
        if lot.expiry_date < day:
            return f"{lot.product}, lot {lot.lot_number}, expired on {lot.expiry_date:%d/%m/%Y}: do not use it."
    return ""


AMENDABLE_FIELDS = ("done_at", "practitioner", "formulation", "reactions", "reaction_notes", "notes")
# What a correction re-checks as a new recording would: the day, and what was given.
RECHECKED = {"done_at", "formulation", "areas"}


class RecordChanged(ValidationError):
    """The record was corrected by someone else since the correction was begun."""


def amend_session(
    *,
    session: TreatmentSession,
    reason: str,
    amended_by: User,
    acknowledgement_reason: str = "",
    override_reason: str = "",
    overriding: Iterable[str] = (),
    amendments_seen: int | None = None,
    areas: list[AdministeredArea] | None = None,
    **changes,
) -> SessionAmendment:
    """Correct a recorded session; the amendment keeps what each field said before, in
    words ("Face 2 mL → Face 3 mL, Neck 1 mL", "Version 2 → Version 3"). A new date, other
    areas and volumes (`areas`: every area given, as recorded) or another version of the
    course's cocktail go through the checks of a new recording (`check_correction`), with
    the same overrides."""
    if error := reason_error(reason, asked="Say why the record is corrected"):
        raise ValidationError({"reason": error})
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be amended: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        session = plans.locked_session(session.pk)
        if not session.is_done:
            raise ValidationError("Only a recorded session is amended; record this one instead.")
        if amendments_seen is not None and session.amendments.count() != amendments_seen:
            # Corrected by someone else since this correction's form was opened: applying it
            # would silently undo theirs.
            raise RecordChanged("Someone corrected this record meanwhile; see their correction, then correct again.")
        diff = {}
        for field, value in changes.items():
            before = getattr(session, field)
            if before != value:
                diff[field] = [as_recorded(before), as_recorded(value)]
                setattr(session, field, value)
        given = given_areas(session)
        if areas is not None and (area_change := areas_change(given, areas)):
            diff["areas"] = area_change
            given = areas
        if not diff:
            raise ValidationError("Nothing was changed.")
        if RECHECKED & set(diff):
            check_correction(
                session,
                changed=set(diff),
                areas=given,
                amended_by=amended_by,
                acknowledgement_reason=acknowledgement_reason,
                override_reason=override_reason,
                overriding=overriding,
            )
        changed = [field for field in diff if field != "areas"]
        if "practitioner" in diff:
            # The new practitioner confirms the record unless they made the correction.
            session.signed_at = timezone.now() if amended_by == session.practitioner else None
            changed.append("signed_at")
        session.full_clean()
        session.save(update_fields=changed)
        amendment = SessionAmendment.objects.create(
            session=session, amended_by=amended_by, reason=reason.strip(), changes=diff
        )
        if "areas" in diff:
            write_given_areas(session, given)
        if "formulation" in diff:
            session.formulation.freeze()
        if "reactions" in diff:
            safety.suspect_allergy(session=session)
        if "done_at" in diff:
            plans.respace(session.plan)
    return amendment


def check_correction(
    session: TreatmentSession,
    *,
    changed: set[str],
    areas: list[AdministeredArea],
    amended_by: User,
    acknowledgement_reason: str,
    override_reason: str,
    overriding,
) -> None:
    """The checks of a new recording that a correction of `changed` (among RECHECKED) touches,
    `session` holding the corrected values and `areas` the areas given: the date's hard
    refusals and lots; the areas against the course and the cocktail version; safety on
    that day for that version (blocks and warnings, dose limits, allergies); spacing."""
    if "done_at" in changed:
        check_new_date(session)
    plan = session.plan
    if changed & {"formulation", "areas"}:
        if session.formulation.lineage != plan.formulation.lineage:
            raise ValidationError({"formulation": "Choose a version of this course's cocktail."})
        if area_error := recorded_areas_error(plan, areas, session.formulation):
            raise ValidationError({"areas" if "areas" in changed else "formulation": area_error})
    day = timezone.localtime(session.done_at).date()
    findings = []
    breaches = []
    if changed & {"done_at", "formulation"}:
        findings = safety.check_formulation_for_patient(
            patient=plan.patient, formulation=session.formulation, on_date=day, plan=plan, session=session
        )
        breaches += overrides.block_breaches(session, findings)
    if "done_at" in changed:
        breaches += overrides.spacing_breaches(session, day, plans.rules_of(plan))
    if changed & {"done_at", "areas"}:
        breaches += overrides.area_spacing_breaches(session, day, [area.area for area in areas])
    overrides.settle(breaches, session=session, reason=override_reason, shown=overriding, by=amended_by)
    warnings = [finding for finding in findings if not finding.is_block and not finding.acknowledgement]
    if warnings and not acknowledgement_reason.strip():
        raise safety.MissingAcknowledgement(warnings)
    safety.acknowledge_all(
        patient=plan.patient,
        formulation=session.formulation,
        plan=plan,
        warnings=warnings,
        reason=acknowledgement_reason,
        acknowledged_by=amended_by,
    )


def check_new_date(session: TreatmentSession) -> None:
    """A corrected date's hard refusals: the ones of a new recording, and its lots expired by then."""
    if session.done_at is None:
        raise ValidationError({"done_at": "Enter when the session was done."})
    if date_error := done_at_error(session, session.done_at):
        raise ValidationError({"done_at": date_error})
    day = timezone.localtime(session.done_at).date()
    lots = [Lot(lot.product, lot.lot_number, lot.expiry_date) for lot in session.lots.all()]
    if lot_error := recorded_lots_error(lots, day):
        raise ValidationError({"done_at": lot_error})


def given_areas(session: TreatmentSession) -> list[AdministeredArea]:
    """The areas `session`'s record says were given, as a correction compares them."""
    return [
        AdministeredArea(given.area, given.volume_ml, given.technique) for given in session.areas.select_related("area")
    ]


def areas_change(before: list[AdministeredArea], after: list[AdministeredArea]) -> list[str] | None:
    """[before, after] in words when the areas given differ, else None. A technique shows
    only for an area whose technique the correction changes."""
    was = {given.area.pk: (given.volume_ml, given.technique) for given in before}
    now = {given.area.pk: (given.volume_ml, given.technique) for given in after}
    if was == now:
        return None
    retechniqued = {pk for pk in was.keys() & now.keys() if was[pk][1] != now[pk][1]}
    return [areas_in_words(before, retechniqued), areas_in_words(after, retechniqued)]


def areas_in_words(areas: list[AdministeredArea], with_technique: set) -> str:
    """ "Face 2 mL, Neck 1 mL" (and "Face 2 mL (nappage)" for an area in `with_technique`)."""
    words = []
    for given in sorted(areas, key=lambda given: given.area.name):
        text = f"{given.area.name} {format_amount(given.volume_ml, Unit.ML)}"
        if given.area.pk in with_technique:
            text += f" ({dict(TreatmentArea.Technique.choices).get(given.technique, given.technique).lower()})"
        words.append(text)
    return ", ".join(words) or "none"


def write_given_areas(session: TreatmentSession, areas: list[AdministeredArea]) -> None:
    """Make `areas` the session's areas given; the amendment keeps what they were."""
    recorded = {given.area_id: given for given in session.areas.all()}
    wanted = {given.area.pk: given for given in areas}
    session.areas.exclude(area__in=list(wanted)).delete()
    for area_id, given in wanted.items():
        row = recorded.get(area_id)
        if row is None:
            SessionArea.objects.create(
                session=session, area=given.area, volume_ml=given.volume_ml, technique=given.technique
            )
        elif (row.volume_ml, row.technique) != (given.volume_ml, given.technique):
            row.volume_ml, row.technique = given.volume_ml, given.technique
            row.save(update_fields=["volume_ml", "technique"])


def sign_session(*, session: TreatmentSession, signed_by: User) -> TreatmentSession:
    """The practitioner confirms a record someone else entered for them."""
    with transaction.atomic():
        session = plans.locked_session(session.pk)
        if not session.is_done:
            raise ValidationError("Only a recorded session is signed.")
        if signed_by != session.practitioner:
            raise ValidationError(f"Only {session.practitioner}, who performed the session, can sign its record.")
        if session.signed_at:
            raise ValidationError(f"{session.practitioner} already signed this record.")
        session.signed_at = timezone.now()
        session.save(update_fields=["signed_at"])
    return session


def as_recorded(value) -> str:
    """A value as an amendment keeps it: datetimes in the clinic's time, to the minute; a
    cocktail by its version; the reactions (the one list amended) by their labels, as the
    record reads them."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Formulation):
        return f"Version {value.version}"
    if isinstance(value, list):
        return TreatmentSession.reaction_labels(value)
    return str(value)
