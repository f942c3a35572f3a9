"""Is this cocktail safe for this patient on this day?

One function decides, for the cocktail pages, the patient chart and (later) the course
plans: `check_formulation_for_patient`. Each finding is a block (the app refuses) or a
warn (a dermatologist may go ahead after recording why). Besides the patient's conditions
and allergies (to the allergen catalogue, and those typed on the record no one has resolved
yet), what happened at their last session weighs: its reaction warns, and an
allergy a severe reaction suggests blocks until a dermatologist decides (`reaction_findings`).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.models import User
from clinic.reasons import reason_error
from patients.models import Contraindication, Patient, PatientCondition
from treatments import allergies
from treatments.models import (
    Allergen,
    Allergy,
    Formulation,
    Ingredient,
    Product,
    SafetyAcknowledgement,
    SuspectedAllergy,
    TreatmentPlan,
    TreatmentSession,
    UnverifiedAllergy,
)

BLOCK = Contraindication.Level.BLOCK
WARN = Contraindication.Level.WARN


@dataclass
class Finding:
    level: str
    key: str  # stable, so an acknowledgement can name the finding it answers
    reason: str
    advice: str = ""
    acknowledgement: SafetyAcknowledgement | None = field(default=None, compare=False)

    @property
    def is_block(self) -> bool:
        return self.level == BLOCK


class MissingAcknowledgement(Exception):
    """Warnings need a recorded reason before the course can go ahead."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(" ".join(finding.reason for finding in findings))


def long_date(day: date) -> str:
    return date_format(day, "j F Y")


def product_allergy_error(*, patient: Patient, product: Product) -> str:
    """Why `product` may not be given to `patient`, or "" (see `product_allergy_errors`)."""
    return product_allergy_errors(patient=patient, products=[product]).get(product.pk, "")


def product_allergy_errors(*, patient: Patient, products: Iterable[Product]) -> dict[int, str]:
    """Why each of `products` may not be given to `patient`, by product: the allergens it
    contains, through its ingredients or declared on it, that they are allergic to. Products
    with none are left out. The one place a product meets the patient's allergies (recording
    and correcting ask it for all their lots at once), in one query."""
    products = {product.pk: product for product in products}
    if not products:
        return {}
    found: dict[int, set[str]] = {}
    rows = (
        allergens_of(patient)
        .filter(Q(ingredients__products__in=list(products)) | Q(products__in=list(products)))
        .values_list("name", "ingredients__products", "products")
    )
    for name, containing, declaring in rows:
        for product_pk in {containing, declaring} & products.keys():
            found.setdefault(product_pk, set()).add(name)
    return {
        pk: _("%(product)s contains %(names)s — the patient is allergic to %(names)s: do not use it.")
        % {"product": products[pk], "names": ", ".join(sorted(names))}
        for pk, names in found.items()
    }


def check_ingredients_for_patient(
    *,
    patient: Patient,
    ingredients: Iterable[Ingredient],
    on_date: date,
    session: TreatmentSession | None = None,
) -> list[Finding]:
    """Findings for a cocktail made of `ingredients` (saved or not yet) given to `patient`
    on `on_date`, at `session` if one is checked. With no ingredients, only what applies to
    any cocktail."""
    ingredient_ids = {ingredient.pk for ingredient in ingredients}
    findings = allergy_findings(patient=patient, ingredient_ids=ingredient_ids)
    findings += unverified_allergy_findings(patient)
    findings += reaction_findings(patient=patient, ingredient_ids=ingredient_ids, on_date=on_date, session=session)

    def applies(contraindication: Contraindication) -> bool:
        limited_to = {ingredient.pk for ingredient in contraindication.ingredients.all()}
        return not limited_to or bool(limited_to & ingredient_ids)

    def named(contraindication: Contraindication) -> str:
        limited_to = [i.name for i in contraindication.ingredients.all() if i.pk in ingredient_ids]
        if limited_to:
            return _("%(contraindication)s (with %(ingredients)s)") % {
                "contraindication": contraindication.name,
                "ingredients": ", ".join(limited_to),
            }
        return contraindication.name

    automatic = Contraindication.objects.filter(active=True).exclude(detection="").prefetch_related("ingredients")
    for contraindication in automatic:
        if applies(contraindication) and detected(contraindication, patient, on_date):
            findings.append(
                Finding(
                    contraindication.level,
                    f"auto:{contraindication.pk}",
                    named(contraindication) + ".",
                    contraindication.advice,
                )
            )

    conditions = (
        PatientCondition.objects.filter(patient=patient, contraindication__active=True)
        .exclude(started_on__gt=on_date)
        .select_related("contraindication")
        .prefetch_related("contraindication__ingredients")
    )
    for condition in conditions:
        contraindication = condition.contraindication
        if not applies(contraindication):
            continue
        notes = f" ({condition.notes})" if condition.notes else ""
        key = f"condition:{condition.pk}:{fingerprint(condition)}"
        if condition.ended_on is None or condition.ended_on >= on_date:
            if condition.started_on:
                reason = _("%(condition)s since %(day)s%(notes)s.") % {
                    "condition": named(contraindication),
                    "day": long_date(condition.started_on),
                    "notes": notes,
                }
            else:
                reason = f"{named(contraindication)}{notes}."
            findings.append(Finding(contraindication.level, key, reason, contraindication.advice))
        elif (waiting_ends := condition.waiting_period_ends_on()) > on_date:
            # An ended condition weighs as much until its waiting period is over: ending it
            # early must not turn a block into a warning.
            findings.append(
                Finding(
                    contraindication.level,
                    f"{key}:waiting",
                    _("%(condition)s%(notes)s: ended %(ended)s; the waiting period ends on %(waiting_ends)s.")
                    % {
                        "condition": named(contraindication),
                        "notes": notes,
                        "ended": long_date(condition.ended_on),
                        "waiting_ends": long_date(waiting_ends),
                    },
                    contraindication.advice,
                )
            )
    findings.sort(key=lambda finding: finding.level != BLOCK)
    return findings


def allergens_of(patient: Patient):
    """The allergens `patient` is allergic to (for a product's own allergens, say)."""
    return Allergen.objects.filter(allergic_patients=patient)


def allergy_findings(
    *, patient: Patient, ingredient_ids: Iterable[int] = (), allergens: Iterable[Allergen] = ()
) -> list[Finding]:
    """A block for each of `ingredient_ids` that is or contains an allergen the patient is
    allergic to, and for each of `allergens` (a product's) they are allergic to."""
    ingredient_ids, allergen_ids = set(ingredient_ids), {allergen.pk for allergen in allergens}
    if not ingredient_ids and not allergen_ids:
        return []
    findings = []
    if ingredient_ids:
        contained = (
            Allergen.ingredients.through.objects.filter(
                ingredient_id__in=ingredient_ids, allergen__allergic_patients=patient
            )
            .select_related("allergen", "ingredient")
            .order_by("ingredient__name", "allergen__name")
        )
        for link in contained:
            allergen, ingredient = link.allergen, link.ingredient
            if allergen.own_ingredient_id == ingredient.pk:
                reason = _("Allergic to %(allergen)s.") % {"allergen": allergen}
            else:
                reason = _("Allergic to %(allergen)s (in %(ingredient)s).") % {
                    "allergen": allergen,
                    "ingredient": ingredient,
                }
            findings.append(
                Finding(BLOCK, f"allergy:{allergen.pk}:{ingredient.pk}", reason, _("Leave it out of the cocktail."))
            )
    if allergen_ids:
        findings += [
            Finding(BLOCK, f"allergy:{allergen.pk}", _("Allergic to %(allergen)s.") % {"allergen": allergen})
            for allergen in allergens_of(patient).filter(pk__in=allergen_ids)
        ]
    return findings


def unverified_allergy_findings(patient: Patient) -> list[Finding]:
    """A block for each allergy typed on the record that no dermatologist has resolved yet:
    nobody knows what it concerns, so it concerns any cocktail."""
    return [
        Finding(
            BLOCK,
            f"unverified-allergy:{unverified.pk}",
            _(
                "Unverified allergy: “%(text)s” — a dermatologist must link it to the catalogue or confirm it is "
                "not relevant."
            )
            % {"text": unverified.text},
            _("Resolve it from the patient's chart."),
        )
        for unverified in UnverifiedAllergy.objects.pending().filter(patient=patient)
    ]


def fingerprint(condition: PatientCondition) -> str:
    """Changes whenever the condition or its contraindication is edited, so that an
    acknowledgement given for what the record said then is asked again."""
    contraindication = condition.contraindication
    facts = (
        condition.contraindication_id,
        condition.started_on,
        condition.ended_on,
        condition.notes,
        contraindication.level,
        contraindication.waiting_days,
    )
    return hashlib.blake2s(repr(facts).encode(), digest_size=4).hexdigest()


def detected(contraindication: Contraindication, patient: Patient, on_date: date) -> bool:
    if contraindication.detection == Contraindication.Detection.UNDER_18:
        return patient.age_on(on_date) < 18
    if contraindication.detection == Contraindication.Detection.DARK_SKIN_TYPE:
        return patient.skin_type is not None and patient.skin_type >= Patient.SkinType.IV
    return False


def reaction_findings(
    *, patient: Patient, ingredient_ids: set[int], on_date: date, session: TreatmentSession | None
) -> list[Finding]:
    """What the patient's last session left to weigh: a warning if they reacted to it, and a
    block on each of `ingredient_ids` an allergy is suspected to until a dermatologist decides.
    The last session is the one before `session` (when it is done), else before `on_date` ends."""
    findings = []
    previous = previous_session(patient=patient, on_date=on_date, session=session)
    if previous is not None and previous.reacted:
        notes = f" ({previous.reaction_notes})" if previous.reaction_notes else ""
        findings.append(
            Finding(
                WARN,
                f"reaction:{previous.pk}",
                _("Reaction at the previous session: %(signs)s%(notes)s, session %(number)s on %(day)s.")
                % {
                    "signs": previous.reactions_display,
                    "notes": notes,
                    "number": previous.number,
                    "day": long_date(timezone.localtime(previous.done_at).date()),
                },
                _("Ask how it settled; consider a smaller volume or a test injection."),
            )
        )
    suspicions = (
        SuspectedAllergy.objects.pending()
        .filter(patient=patient, ingredients__in=ingredient_ids)
        .select_related("session")
        .prefetch_related("ingredients")
        .distinct()
    )
    for suspicion in suspicions:
        # The session's record may since have been corrected; the suspicion stands until decided.
        signs = TreatmentSession.reaction_labels(suspicion.session.severe_reactions).lower() or _("a severe reaction")
        for ingredient in suspicion.ingredients.all():
            if ingredient.pk in ingredient_ids:
                findings.append(
                    Finding(
                        BLOCK,
                        f"suspected-allergy:{suspicion.pk}:{ingredient.pk}",
                        _("Suspected allergy to %(ingredient)s after %(signs)s at session %(number)s.")
                        % {"ingredient": ingredient.name, "signs": signs, "number": suspicion.session.number},
                        _("A dermatologist confirms or dismisses it on the patient's chart first."),
                    )
                )
    return findings


def previous_session(*, patient: Patient, on_date: date, session: TreatmentSession | None) -> TreatmentSession | None:
    """The patient's last recorded session before `session` if it is done, else before the
    end of `on_date` (a session recorded this morning is the previous one this afternoon)."""
    done = TreatmentSession.objects.filter(plan__patient=patient, status=TreatmentSession.Status.DONE)
    if session is not None and session.is_done:
        done = done.filter(done_at__lt=session.done_at)
    else:
        done = done.filter(done_at__date__lte=on_date)  # in the clinic's time zone
    if session is not None:
        done = done.exclude(pk=session.pk)
    return done.order_by("-done_at").first()


def check_formulation_for_patient(
    *,
    patient: Patient,
    formulation: Formulation,
    on_date: date,
    plan: TreatmentPlan | None = None,
    session: TreatmentSession | None = None,
) -> list[Finding]:
    """Findings for `formulation` given to `patient`, each warn carrying its acknowledgement
    if one is on record: for `plan` when a course is checked (an acknowledgement covers one
    course), else one given on the cocktail's own page."""
    findings = check_ingredients_for_patient(
        patient=patient,
        ingredients=[line.ingredient for line in formulation.lines.all()],
        on_date=on_date,
        session=session,
    ) + dose_findings(formulation)
    findings.sort(key=lambda finding: finding.level != BLOCK)
    acknowledgements = {
        ack.finding_key: ack
        for ack in acknowledgements_for(patient=patient, formulation=formulation, plan=plan).select_related(
            "acknowledged_by"
        )
    }
    for finding in findings:
        if not finding.is_block:
            finding.acknowledgement = acknowledgements.get(finding.key)
    return findings


def dose_findings(formulation: Formulation) -> list[Finding]:
    """The cocktail against its ingredients' maximums as they stand today. A maximum lowered
    since the cocktail was composed blocks it until it is revised; an ingredient whose
    maximums the clinic cleared may be given only once a dermatologist has said why."""
    findings = []
    for line in formulation.lines.all():
        ingredient = line.ingredient
        findings.extend(
            Finding(
                BLOCK,
                f"dose:{line.pk}",
                problem,
                _("The maximum was lowered after the cocktail was composed: revise the cocktail."),
            )
            for problem in ingredient.dose_problems(line.amount, line.unit, formulation.total_volume_ml)
        )
        if not ingredient.has_limits:
            findings.append(
                Finding(
                    WARN,
                    f"no_limit:{ingredient.pk}",
                    _("%(ingredient)s has no maximum on record: the clinic cleared it. Check the dose.")
                    % {"ingredient": ingredient},
                    _("Enter its maximums in the catalogue, or record why this dose is safe."),
                )
            )
    return findings


def acknowledgements_for(*, patient: Patient, formulation: Formulation, plan: TreatmentPlan | None):
    scope = Q(plan=plan) if plan is not None else Q(plan__isnull=True)
    return SafetyAcknowledgement.objects.filter(scope, patient=patient, formulation=formulation)


def check_patient(*, patient: Patient, on_date: date) -> list[Finding]:
    """What applies to this patient whatever the cocktail: for the chart."""
    return check_ingredients_for_patient(patient=patient, ingredients=[], on_date=on_date)


def acknowledge_finding(
    *, patient: Patient, formulation: Formulation, finding_key: str, reason: str, acknowledged_by: User
) -> SafetyAcknowledgement:
    reason = reason.strip()
    if error := reason_error(reason, asked=_("Say why it is safe to go ahead")):
        raise ValidationError({"reason": error})
    findings = check_formulation_for_patient(patient=patient, formulation=formulation, on_date=timezone.localdate())
    finding = next((f for f in findings if f.key == finding_key), None)
    if finding is None:
        raise ValidationError({"finding_key": _("This warning no longer applies; reload the page.")})
    if finding.is_block:
        raise ValidationError({"finding_key": _("A block cannot be overridden in Mesoplan.")})
    if finding.acknowledgement:
        raise ValidationError({"finding_key": already_acknowledged(finding.acknowledgement)})
    try:
        with transaction.atomic():
            return SafetyAcknowledgement.objects.create(
                patient=patient,
                formulation=formulation,
                finding_key=finding.key,
                finding=finding.reason,
                reason=reason,
                acknowledged_by=acknowledged_by,
            )
    except IntegrityError:
        # Another dermatologist acknowledged the same warning a moment ago.
        earlier = acknowledgements_for(patient=patient, formulation=formulation, plan=None).get(finding_key=finding.key)
        raise ValidationError({"finding_key": already_acknowledged(earlier)}) from None


def already_acknowledged(acknowledgement: SafetyAcknowledgement) -> str:
    return _("%(who)s already acknowledged this warning on %(day)s; that reason stays on record.") % {
        "who": acknowledgement.acknowledged_by,
        "day": long_date(timezone.localtime(acknowledgement.acknowledged_at).date()),
    }


def warnings_needing_a_reason(
    *, patient: Patient, formulation: Formulation, findings: list[Finding], plan: TreatmentPlan | None = None
) -> list[Finding]:
    """The warnings among `findings` that no one has acknowledged for this patient's cocktail
    in `plan` (or, for a course not yet created, on the cocktail's page)."""
    warnings = [finding for finding in findings if not finding.is_block]
    if formulation.is_template:
        return warnings
    acknowledged = set(
        acknowledgements_for(patient=patient, formulation=formulation, plan=plan).values_list("finding_key", flat=True)
    )
    return [finding for finding in warnings if finding.key not in acknowledged]


def acknowledge_all(
    *,
    patient: Patient,
    formulation: Formulation,
    plan: TreatmentPlan,
    warnings: list[Finding],
    reason: str,
    acknowledged_by: User,
) -> None:
    """Acknowledge `warnings` for the course `plan`. Acknowledgements given on the cocktail's
    page before the course existed become this course's: they covered its planning, not
    every course after it."""
    acknowledgements_for(patient=patient, formulation=formulation, plan=None).update(plan=plan)
    if not warnings:
        return
    if error := reason_error(reason, asked=_("Say why it is safe to go ahead despite the warnings")):
        raise ValidationError({"acknowledgement_reason": error})
    SafetyAcknowledgement.objects.bulk_create(
        [
            SafetyAcknowledgement(
                patient=patient,
                formulation=formulation,
                plan=plan,
                finding_key=warning.key,
                finding=warning.reason,
                reason=reason.strip(),
                acknowledged_by=acknowledged_by,
            )
            for warning in warnings
        ]
    )


def suspect_allergy(*, session: TreatmentSession) -> SuspectedAllergy | None:
    """After a severe reaction at `session`, suspect an allergy to the cocktail's ingredients
    the patient is not yet known to be allergic to. Called under the session's lock, by the
    recording or the amendment that wrote the reaction; once per session."""
    if not session.severe_reactions or session.suspected_allergies.exists():
        return None
    patient = session.plan.patient
    known = allergic_ingredient_ids(patient)
    lines = session.formulation.lines.select_related("ingredient")
    ingredients = [line.ingredient for line in lines if line.ingredient_id not in known]
    if not ingredients:
        return None
    suspicion = SuspectedAllergy.objects.create(patient=patient, session=session)
    suspicion.ingredients.set(ingredients)
    return suspicion


def allergic_ingredient_ids(patient: Patient) -> set[int]:
    """The catalogue ingredients the patient's allergies block."""
    return set(
        Allergen.ingredients.through.objects.filter(allergen__allergic_patients=patient).values_list(
            "ingredient_id", flat=True
        )
    )


def locked_pending_suspicion(suspicion: SuspectedAllergy) -> SuspectedAllergy:
    """`suspicion` read again under a lock; refused if someone has decided it meanwhile."""
    suspicion = SuspectedAllergy.objects.select_for_update().get(pk=suspicion.pk)
    if not suspicion.is_pending:
        raise ValidationError(
            _("%(who)s already decided on this allergy (%(status)s).")
            % {"who": suspicion.decided_by, "status": suspicion.get_status_display().lower()}
        )
    return suspicion


def confirm_suspected_allergy(*, suspicion: SuspectedAllergy, decided_by: User) -> SuspectedAllergy:
    """The patient is allergic to the suspected ingredients: each becomes an allergy on record."""
    with transaction.atomic():
        suspicion = locked_pending_suspicion(suspicion)
        list(Allergy.objects.select_for_update().filter(patient=suspicion.patient))
        for ingredient in suspicion.ingredients.all():
            allergies.add_allergy(
                patient=suspicion.patient, allergen=Allergen.objects.own_allergen_of(ingredient), recorded_by=decided_by
            )
        return decide(suspicion, SuspectedAllergy.Status.CONFIRMED, decided_by)


def dismiss_suspected_allergy(*, suspicion: SuspectedAllergy, reason: str, decided_by: User) -> SuspectedAllergy:
    """The reaction was not an allergy to these ingredients: why stays on record."""
    reason = reason.strip()
    if error := reason_error(reason, asked=_("Say why it is not an allergy")):
        raise ValidationError({"dismissal_reason": error})
    with transaction.atomic():
        suspicion = locked_pending_suspicion(suspicion)
        suspicion.dismissal_reason = reason
        return decide(suspicion, SuspectedAllergy.Status.DISMISSED, decided_by)


def decide(suspicion: SuspectedAllergy, status: str, decided_by: User) -> SuspectedAllergy:
    suspicion.status = status
    suspicion.decided_by = decided_by
    suspicion.decided_at = timezone.now()
    suspicion._history_user = decided_by
    suspicion.save(update_fields=["status", "decided_by", "decided_at", "dismissal_reason"])
    return suspicion
