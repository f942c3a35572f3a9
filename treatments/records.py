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
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.models import User
from clinic.reasons import reason_error
from patients.models import Patient
from treatments import cocktails, overrides, plans, safety
from treatments.models import (
    Formulation,
    Product,
    SessionAmendment,
    SessionArea,
    SessionLot,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    Unit,
    format_amount,
    normalised_lot_number,
)
from treatments.models import Lot as RegisteredLot


@dataclass(frozen=True)
class AdministeredArea:
    area: TreatmentArea
    volume_ml: Decimal
    technique: str


@dataclass(frozen=True)
class Lot:
    """A lot as a recording names it: a product of the catalogue, the number on its label, and
    its expiry, needed only to register a lot not seen before (a known lot keeps its own)."""

    product: Product
    lot_number: str
    expiry_date: date | None = None


class RecordRefused(ValidationError):
    """Refusals by field, every one at once; `lot_rows` says which lot (its index in the
    list given) and which of its fields each lot refusal is about, to show it by that row."""

    def __init__(self, errors: dict, lot_rows: dict[int, dict[str, str]] | None = None) -> None:
        super().__init__(errors)
        self.lot_rows = lot_rows or {}


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
            raise ValidationError(_("This session is already recorded; correct it with an amendment."))
        if plan.status != TreatmentPlan.Status.ACTIVE:
            raise ValidationError(
                _("The course is %(status)s; activate it first.") % {"status": plan.get_status_display().lower()}
            )
        if formulation.lineage != plan.formulation.lineage:
            raise ValidationError({"formulation": _("Choose a version of this course's cocktail.")})
        day = timezone.localtime(done_at).date()
        # Every refusal at once, each by its field, so the form is corrected in one go.
        errors = {}
        if date_error := done_at_error(session, done_at):
            errors["done_at"] = date_error
        if area_error := recorded_areas_error(plan, areas, formulation):
            errors["areas"] = area_error
        lot_rows = lot_refusals(lots, day=day, patient=plan.patient)
        if lot_rows or not lots:
            errors["lots"] = lots_error_messages(lots, lot_rows)
        if errors:
            raise RecordRefused(errors, lot_rows)
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
            [SessionLot(session=session, lot=lot) for lot in registered_lots(lots, registered_by=recorded_by)]
        )
        formulation.freeze()
        safety.suspect_allergy(session=session)
        plans.respace(plan)
    return session


def done_at_error(session: TreatmentSession, done_at: datetime) -> str:
    """What is wrong with `done_at` as the time `session` was given: recording and amending
    both ask this."""
    if done_at > timezone.now() + timedelta(minutes=5):
        return _("A session cannot be recorded in the future.")
    if timezone.localtime(done_at).date() < session.plan.start_date:
        return _("This is before the course started.")
    done = session.plan.sessions.filter(status=TreatmentSession.Status.DONE).exclude(pk=session.pk)
    last_done = done.filter(number__lt=session.number).order_by("-done_at").values_list("done_at", flat=True).first()
    if last_done and done_at <= last_done:
        return _("An earlier session was done on %(day)s; this one comes after it.") % {
            "day": as_recorded_day(last_done)
        }
    next_done = done.filter(number__gt=session.number).order_by("done_at").values_list("done_at", flat=True).first()
    if next_done and done_at >= next_done:
        return _("A later session was done on %(day)s; this one comes before it.") % {"day": as_recorded_day(next_done)}
    return ""


def as_recorded_day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i")


def recorded_areas_error(plan: TreatmentPlan, areas: list[AdministeredArea], formulation: Formulation) -> str:
    if not areas:
        return _("Record the volume injected in at least one area.")
    if any(area.volume_ml <= 0 for area in areas):
        return _("Record more than 0 mL for each area given.")
    if any(area.technique not in TreatmentArea.Technique.values for area in areas):
        return _("Choose the technique used in each area.")
    planned_areas = set(plan.areas.values_list("area_id", flat=True))
    recorded_areas = [area.area.pk for area in areas]
    if len(set(recorded_areas)) < len(recorded_areas) or not set(recorded_areas) <= planned_areas:
        return _("Record each of the course's areas once.")
    given = sum((area.volume_ml for area in areas), Decimal(0))
    if given > formulation.total_volume_ml:
        return _("The areas add up to %(given)s, more than the %(prepared)s of cocktail prepared.") % {
            "given": format_amount(given, Unit.ML),
            "prepared": format_amount(formulation.total_volume_ml, Unit.ML),
        }
    return cocktails.areas_error(formulation, areas)


def lot_refusals(lots: list[Lot], *, day: date, patient: Patient) -> dict[int, dict[str, str]]:
    """What is wrong with each lot given for a session on `day`, by its index and field: a
    lot listed twice, a known lot given another expiry (a lot has one), a new lot without
    its expiry, an expired lot, a product with something the patient is allergic to.
    Recording and correcting both ask this."""
    known = known_lots(lots)
    allergies = safety.product_allergy_errors(patient=patient, products=[lot.product for lot in lots])
    refusals: dict[int, dict[str, str]] = {}
    seen = set()
    for index, lot in enumerate(lots):
        row = refusals.setdefault(index, {})
        key = (lot.product.pk, normalised_lot_number(lot.lot_number))
        registered = known.get(key)
        if not key[1]:
            row["lot_number"] = _("Enter the lot number printed on the label: letters or digits.")
        elif key in seen:
            row["lot_number"] = _("Lot %(lot)s of %(product)s is listed twice.") % {
                "lot": lot.lot_number,
                "product": lot.product,
            }
        seen.add(key)
        expiry = registered.expiry_date if registered else lot.expiry_date
        if registered and lot.expiry_date and lot.expiry_date != registered.expiry_date:
            row["expiry_date"] = _(
                "Lot %(lot)s of %(product)s is registered as expiring on %(expiry)s: a lot has one expiry. Check the "
                "label, or leave the expiry empty."
            ) % {
                "lot": registered.lot_number,
                "product": lot.product,
                "expiry": overrides.short_date(registered.expiry_date),
            }
        elif expiry is None:
            row["expiry_date"] = _("A lot not seen before: enter its expiry as on the label.")
        elif expiry < day:
            row["expiry_date"] = _("%(product)s, lot %(lot)s, expired on %(expiry)s: do not use it.") % {
                "product": lot.product,
                "lot": lot.lot_number,
                "expiry": overrides.short_date(expiry),
            }
        if allergy := allergies.get(lot.product.pk):
            row["product"] = allergy
    return {index: row for index, row in refusals.items() if row}


def lots_error_messages(lots: list[Lot], lot_rows: dict[int, dict[str, str]]) -> list[str]:
    if not lots:
        return [_("Record the lot of each product used.")]
    return [message for index in sorted(lot_rows) for message in lot_rows[index].values()]


def known_lots(lots: list[Lot]) -> dict[tuple[int, str], RegisteredLot]:
    """The lots already registered among `lots`, by product and normalised number: one query."""
    wanted = Q()
    for lot in lots:
        wanted |= Q(product=lot.product, normalised_lot_number=normalised_lot_number(lot.lot_number))
    if not lots:
        return {}
    return {(lot.product_id, lot.normalised_lot_number): lot for lot in RegisteredLot.objects.filter(wanted)}


def registered_lots(lots: list[Lot], *, registered_by: User) -> list[RegisteredLot]:
    """The lots given, each registered the first time it is used (lot_refusals has checked
    them). A recording that registered the same lot meanwhile with another expiry refuses."""
    result = []
    for index, lot in enumerate(lots):
        registered, created = RegisteredLot.objects.get_or_create(
            product=lot.product,
            normalised_lot_number=normalised_lot_number(lot.lot_number),
            defaults={
                "lot_number": lot.lot_number.strip(),
                "expiry_date": lot.expiry_date,
                "registered_by": registered_by,
            },
        )
        if not created and lot.expiry_date and lot.expiry_date != registered.expiry_date:
            message = _(
                "Lot %(lot)s of %(product)s was registered a moment ago as expiring on %(expiry)s: a lot has one "
                "expiry. Check the label."
            ) % {
                "lot": registered.lot_number,
                "product": lot.product,
                "expiry": overrides.short_date(registered.expiry_date),
            }
            raise RecordRefused({"lots": [message]}, {index: {"expiry_date": message}})
        result.append(registered)
    return result


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
    lots: list[Lot] | None = None,
    areas: list[AdministeredArea] | None = None,
    **changes,
) -> SessionAmendment:
    """Correct a recorded session; the amendment keeps what each field said before, in
    words ("Face 2 mL → Face 3 mL, Neck 1 mL", "Version 2 → Version 3", the lots by their
    labels). A new date, other areas and volumes (`areas`: every area given, as recorded),
    another version of the course's cocktail or other `lots` go through the checks of a new
    recording (`check_correction`, `corrected_lots`), with the same overrides."""
    if error := reason_error(reason, asked=_("Say why the record is corrected")):
        raise ValidationError({"reason": error})
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These cannot be amended: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        session = plans.locked_session(session.pk)
        if not session.is_done:
            raise ValidationError(_("Only a recorded session is amended; record this one instead."))
        if amendments_seen is not None and session.amendments.count() != amendments_seen:
            # Corrected by someone else since this correction's form was opened: applying it
            # would silently undo theirs.
            raise RecordChanged(_("Someone corrected this record meanwhile; see their correction, then correct again."))
        diff = {}
        for field, value in changes.items():
            before = getattr(session, field)
            if before != value:
                diff[field] = [as_recorded(before), as_recorded(value)]
                setattr(session, field, value)
        if lots is not None and (lots_change := corrected_lots(session, lots, amended_by=amended_by)):
            diff["lots"] = lots_change
        given = given_areas(session)
        if areas is not None and (area_change := areas_change(given, areas)):
            diff["areas"] = area_change
            given = areas
        if not diff:
            raise ValidationError(_("Nothing was changed."))
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
        changed = [field for field in diff if field in AMENDABLE_FIELDS]
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
            write_given_areas(session, given, amended_by=amended_by)
        if "formulation" in diff:
            session.formulation.freeze()
        if "reactions" in diff:
            safety.suspect_allergy(session=session)
        if "done_at" in diff:
            plans.respace(session.plan)
    return amendment


def corrected_lots(session: TreatmentSession, lots: list[Lot], *, amended_by: User) -> list[str] | None:
    """Put `lots` in place of the session's recorded lots, after the checks a recording on the
    session's day makes; the lots before and after by their labels, or None if they are the
    same. A use taken off stays in its history, and the amendment names it."""
    if session.done_at is None:
        return None  # the field's own error says so
    day = timezone.localtime(session.done_at).date()
    lot_rows = lot_refusals(lots, day=day, patient=session.plan.patient)
    if lot_rows or not lots:
        raise RecordRefused({"lots": lots_error_messages(lots, lot_rows)}, lot_rows)
    uses = list(session.lots.select_related("lot__product"))
    wanted = registered_lots(lots, registered_by=amended_by)
    if {use.lot_id for use in uses} == {lot.pk for lot in wanted}:
        return None
    kept = {lot.pk for lot in wanted}
    for use in uses:
        if use.lot_id not in kept:
            use._history_user = amended_by
            use.delete()
    recorded = {use.lot_id for use in uses}
    for lot in wanted:
        if lot.pk not in recorded:
            use = SessionLot(session=session, lot=lot)
            use._history_user = amended_by
            use.save()
    return ["; ".join(sorted(str(use.lot) for use in uses)), "; ".join(sorted(str(lot) for lot in wanted))]


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
            raise ValidationError({"formulation": _("Choose a version of this course's cocktail.")})
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
    """A corrected date's hard refusals: the ones of a new recording, and its lots unusable by then."""
    if session.done_at is None:
        raise ValidationError({"done_at": _("Enter when the session was done.")})
    if date_error := done_at_error(session, session.done_at):
        raise ValidationError({"done_at": date_error})
    day = timezone.localtime(session.done_at).date()
    lots = [Lot(use.lot.product, use.lot.lot_number) for use in session.lots.select_related("lot__product")]
    if lot_rows := lot_refusals(lots, day=day, patient=session.plan.patient):
        raise ValidationError({"done_at": lots_error_messages(lots, lot_rows)})


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
    return ", ".join(words) or _("none")


def write_given_areas(session: TreatmentSession, areas: list[AdministeredArea], *, amended_by: User) -> None:
    """Make `areas` the session's areas given; the amendment keeps what they were in words,
    and each row changed or taken off stays in its history with who did it."""
    recorded = {given.area_id: given for given in session.areas.all()}
    wanted = {given.area.pk: given for given in areas}
    for area_id, row in recorded.items():
        if area_id not in wanted:
            row._history_user = amended_by
            row.delete()
    for area_id, given in wanted.items():
        row = recorded.get(area_id) or SessionArea(session=session, area=given.area)
        if row.pk is None or (row.volume_ml, row.technique) != (given.volume_ml, given.technique):
            row.volume_ml, row.technique = given.volume_ml, given.technique
            row._history_user = amended_by
            row.save()


def sign_session(*, session: TreatmentSession, signed_by: User) -> TreatmentSession:
    """The practitioner confirms a record someone else entered for them."""
    with transaction.atomic():
        session = plans.locked_session(session.pk)
        if not session.is_done:
            raise ValidationError(_("Only a recorded session is signed."))
        if signed_by != session.practitioner:
            raise ValidationError(
                _("Only %(practitioner)s, who performed the session, can sign its record.")
                % {"practitioner": session.practitioner}
            )
        if session.signed_at:
            raise ValidationError(
                _("%(practitioner)s already signed this record.") % {"practitioner": session.practitioner}
            )
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
        return _("Version %(number)s") % {"number": value.version}
    if isinstance(value, list):
        return TreatmentSession.reaction_labels(value)
    return str(value)
