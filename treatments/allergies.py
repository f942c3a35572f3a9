"""A patient's allergies as the record states them: the allergens chosen on the chart, the
free text "other allergies" read against the allergen catalogue, and the resolution of
what that text names but the catalogue does not (an unverified allergy).

Each allergy is a row of its own with its history, so the chart's history says who added or
removed it. The safety check reads them (`treatments/safety.py`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User
from clinic.reasons import reason_error
from patients.models import Patient
from treatments.models import Allergen, Allergy, UnverifiedAllergy, allergy_key, typed_entries


def add_allergy(*, patient: Patient, allergen: Allergen, recorded_by: User | None) -> Allergy | None:
    """Record that `patient` is allergic to `allergen`, unless it is on record already.
    Called inside the caller's transaction, after it locked the patient's allergies."""
    if Allergy.objects.filter(patient=patient, allergen=allergen).exists():
        return None
    allergy = Allergy(patient=patient, allergen=allergen, recorded_by=recorded_by)
    allergy._history_user = recorded_by
    allergy.save()
    return allergy


def set_allergies(*, patient: Patient, allergens: Iterable[Allergen], changed_by: User) -> None:
    """Make `allergens` the patient's allergies to the catalogue."""
    wanted = {allergen.pk: allergen for allergen in allergens}
    with transaction.atomic():
        recorded = {
            allergy.allergen_id: allergy for allergy in Allergy.objects.select_for_update().filter(patient=patient)
        }
        for allergen_id, allergy in recorded.items():
            if allergen_id not in wanted:
                allergy._history_user = changed_by
                allergy.delete()
        for allergen_id, allergen in wanted.items():
            if allergen_id not in recorded:
                add_allergy(patient=patient, allergen=allergen, recorded_by=changed_by)


def match_allergen(entry: str, allergens: Iterable[Allergen] | None = None) -> Allergen | None:
    """The allergen `entry` names ("Lidocaïne", "xylocaine", "ascorbic acid"…), or None."""
    key = allergy_key(entry)
    for allergen in allergens if allergens is not None else Allergen.objects.order_by("name"):
        if key in allergen.keys:
            return allergen
    return None


def record_typed_allergies(*, patient: Patient, text: str, recorded_by: User) -> None:
    """Read the free text of the patient's record (one allergy per comma, semicolon or line):
    an entry naming an allergen becomes an allergy to it; any other entry an unverified
    allergy, asked once (typing it again does not ask again, a resolved one stays resolved).
    A pending one whose entry was taken out of the text is withdrawn, and asked again if the
    entry comes back."""
    allergens = list(Allergen.objects.order_by("name"))
    with transaction.atomic():
        list(Allergy.objects.select_for_update().filter(patient=patient))
        unverified = {row.key: row for row in UnverifiedAllergy.objects.select_for_update().filter(patient=patient)}
        typed = set()
        for entry in typed_entries(text):
            key = allergy_key(entry)
            typed.add(key)
            if allergen := match_allergen(entry, allergens):
                add_allergy(patient=patient, allergen=allergen, recorded_by=recorded_by)
            elif key not in unverified:
                row = UnverifiedAllergy(patient=patient, text=entry[:200], key=key, created_by=recorded_by)
                row._history_user = recorded_by
                row.save()
            elif unverified[key].status == UnverifiedAllergy.Status.WITHDRAWN:
                set_status(unverified[key], UnverifiedAllergy.Status.PENDING, recorded_by)
        for key, row in unverified.items():
            if key not in typed and row.is_pending:
                set_status(row, UnverifiedAllergy.Status.WITHDRAWN, recorded_by)


def set_status(row: UnverifiedAllergy, status: str, changed_by: User) -> None:
    row.status = status
    row._history_user = changed_by
    row.save(update_fields=["status"])


def locked_pending(unverified: UnverifiedAllergy) -> UnverifiedAllergy:
    """`unverified` read again under a lock; refused if someone resolved it meanwhile."""
    unverified = UnverifiedAllergy.objects.select_for_update().get(pk=unverified.pk)
    if not unverified.is_pending:
        if unverified.status == UnverifiedAllergy.Status.WITHDRAWN:
            raise ValidationError(_("This allergy was taken off the patient's record meanwhile."))
        raise ValidationError(
            _("%(who)s already resolved this allergy (%(status)s).")
            % {"who": unverified.resolved_by, "status": resolution_of(unverified)}
        )
    return unverified


def resolution_of(unverified: UnverifiedAllergy) -> str:
    if unverified.status == UnverifiedAllergy.Status.LINKED:
        return _("linked to %(allergen)s") % {"allergen": unverified.allergen}
    return unverified.get_status_display().lower()


def link_unverified_allergy(*, unverified: UnverifiedAllergy, allergen: Allergen, resolved_by: User) -> Allergy | None:
    """The typed allergy is an allergy to `allergen`: it becomes one on the record."""
    with transaction.atomic():
        unverified = locked_pending(unverified)
        list(Allergy.objects.select_for_update().filter(patient_id=unverified.patient_id))
        allergy = add_allergy(patient=unverified.patient, allergen=allergen, recorded_by=resolved_by)
        unverified.allergen = allergen
        resolve(unverified, UnverifiedAllergy.Status.LINKED, resolved_by)
    return allergy


def dismiss_unverified_allergy(*, unverified: UnverifiedAllergy, reason: str, resolved_by: User) -> UnverifiedAllergy:
    """The typed allergy does not concern what the clinic injects: why stays on record."""
    reason = reason.strip()
    if error := reason_error(reason, asked=_("Say why it is not relevant")):
        raise ValidationError({"reason": error})
    with transaction.atomic():
        unverified = locked_pending(unverified)
        unverified.reason = reason
        return resolve(unverified, UnverifiedAllergy.Status.NOT_RELEVANT, resolved_by)


def resolve(unverified: UnverifiedAllergy, status: str, resolved_by: User) -> UnverifiedAllergy:
    unverified.status = status
    unverified.resolved_by = resolved_by
    unverified.resolved_at = timezone.now()
    unverified._history_user = resolved_by
    unverified.save(update_fields=["status", "allergen", "reason", "resolved_by", "resolved_at"])
    return unverified


@dataclass(frozen=True)
class AllergiesOnRecord:
    """What the chart, the session and the course pages show of a patient's allergies."""

    allergens: list[Allergen]
    unverified: list[UnverifiedAllergy]  # still to resolve first, then the resolved ones
    typed: str  # the free text as typed

    @property
    def pending(self) -> list[UnverifiedAllergy]:
        return [row for row in self.unverified if row.is_pending]

    @property
    def none_known(self) -> bool:
        return not (self.allergens or self.unverified or self.typed)


def on_record(patient: Patient) -> AllergiesOnRecord:
    unverified = sorted(
        UnverifiedAllergy.objects.shown().filter(patient=patient).select_related("allergen", "resolved_by"),
        key=lambda row: not row.is_pending,
    )
    return AllergiesOnRecord(
        allergens=list(Allergen.objects.filter(allergic_patients=patient).order_by("name")),
        unverified=unverified,
        typed=patient.allergies,
    )
