"""The clinical hold: a patient whom safety blocks from their next session.

Whoever books or welcomes such a patient must send them to the dermatologist before any
treatment, without learning why (pregnancy, a medicine, an allergy are clinical). The
blocks are safety's own (`check_formulation_for_patient`, `check_patient`); this module
only asks it about the sessions at hand, and asks cheaply for a whole day's agenda. A hold
warns and refuses nothing: the patient may be booked and checked in, to see the
dermatologist. A block a dermatologist overrode for a whole course (treatments.overrides)
holds none of that course's sessions.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Prefetch

from patients.models import Contraindication, Patient, PatientCondition
from treatments import overrides, safety
from treatments.cocktails import version_to_give, versions_to_give
from treatments.models import (
    Allergy,
    Formulation,
    FormulationLine,
    SuspectedAllergy,
    TreatmentSession,
    UnverifiedAllergy,
)


@dataclass(frozen=True)
class Hold:
    reasons: tuple[str, ...]  # what blocks, in safety's words: for clinicians only


def cocktail_of(session: TreatmentSession) -> Formulation:
    """The cocktail the session will be given, as the day's prep list shows it."""
    return version_to_give(session)


def hold_for(
    patient: Patient, session: TreatmentSession | None, *, on_date: date, cocktail: Formulation | None = None
) -> Hold | None:
    """The hold on `patient` for `session` (`cocktail`, the version it will be given, read
    if not passed) on `on_date`; with no course session, for whatever cocktail. None when
    nothing blocks."""
    if session is None:
        findings = safety.check_patient(patient=patient, on_date=on_date)
    elif session.is_done:
        return None
    else:
        findings = safety.check_formulation_for_patient(
            patient=patient, formulation=cocktail or cocktail_of(session), on_date=on_date, plan=session.plan
        )
        # A block a dermatologist overrode for the whole course holds none of its sessions.
        return hold_of(breach.message for breach in overrides.block_breaches(session, findings))
    return hold_of(finding.reason for finding in findings if finding.is_block)


def hold_of(reasons: Iterable[str]) -> Hold | None:
    unique = tuple(dict.fromkeys(reasons))
    return Hold(unique) if unique else None


def holds_for(
    visits: Iterable[tuple[Patient, TreatmentSession | None]], *, on_date: date, cocktails: dict | None = None
) -> dict[tuple[UUID, UUID | None], Hold]:
    """The holds among `visits` (patient and course session, or None), keyed by their
    patient's and session's ids. `cocktails` maps each session's id to the version it will be
    given, with its lines (`treatments.cocktails.versions_to_give`), read if not passed."""
    visits = list(visits)
    if cocktails is None:
        cocktails = versions_to_give(session for _, session in visits if session)
    candidates = could_be_blocked([patient for patient, _ in visits], on_date=on_date) | {
        patient.pk
        for patient, session in visits
        if session and any(finding.is_block for finding in safety.dose_findings(cocktails[session.pk]))
    }
    held = {}
    for patient, session in visits:
        cocktail = cocktails[session.pk] if session else None
        if patient.pk in candidates and (hold := hold_for(patient, session, on_date=on_date, cocktail=cocktail)):
            held[(patient.pk, session.pk if session else None)] = hold
    return held


def could_be_blocked(patients: list[Patient], *, on_date: date) -> set[UUID]:
    """The patients among `patients` whom safety could block on `on_date`: those with an
    allergy to an allergen, an unverified allergy still to resolve, a blocking condition on record (ended or not: its
    waiting period may run), or an automatic block that applies to them. Safety decides for
    these; the others need not be asked, which keeps a day's agenda at three queries however
    many patients it has. These are the sources of blocks in
    `safety.check_ingredients_for_patient` (and a suspected allergy still to decide); a new
    one there belongs here too. A cocktail over a lowered maximum is found by `holds_for`
    from the lines it already has."""
    by_pk = {patient.pk: patient for patient in patients}
    if not by_pk:
        return set()
    allergic = Allergy.objects.filter(patient__in=by_pk).values_list("patient_id", flat=True)
    conditions = (
        PatientCondition.objects.filter(
            patient__in=by_pk, contraindication__active=True, contraindication__level=safety.BLOCK
        )
        .exclude(started_on__gt=on_date)
        .values_list("patient_id", flat=True)
    )
    automatic = list(Contraindication.objects.filter(active=True, level=safety.BLOCK).exclude(detection=""))
    detected = {
        pk
        for pk, patient in by_pk.items()
        if any(safety.detected(contraindication, patient, on_date) for contraindication in automatic)
    }
    suspected = SuspectedAllergy.objects.pending().filter(patient__in=by_pk).values_list("patient_id", flat=True)
    unverified = UnverifiedAllergy.objects.pending().filter(patient__in=by_pk).values_list("patient_id", flat=True)
    # The three kinds of allergy in one query.
    return set(allergic.order_by().union(suspected.order_by(), unverified.order_by())) | set(conditions) | detected


def hold_for_booking(patient: Patient, *, on_date: date) -> Hold | None:
    """The hold the booking form shows once the patient is chosen: for the next session
    still to book in each of their active courses, or for whatever cocktail if none."""
    sessions = (
        TreatmentSession.objects.awaiting_booking()
        .filter(plan__patient=patient)
        .select_related("plan__formulation")
        .prefetch_related(
            Prefetch("plan__formulation__lines", queryset=FormulationLine.objects.select_related("ingredient"))
        )
        .order_by("number")
    )
    next_of_each_course = {}
    for session in sessions:
        next_of_each_course.setdefault(session.plan_id, session)
    holds = [hold_for(patient, session, on_date=on_date) for session in next_of_each_course.values() or [None]]
    return hold_of(reason for hold in holds if hold for reason in hold.reasons)
