"""Composing and revising cocktails. A version that a session used is never changed:
revising it makes the next version."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from clinic.models import User
from patients.models import Patient
from treatments import safety
from treatments.access import LINES_WITH_INGREDIENTS
from treatments.models import (
    UNIT_KIND_AND_FACTOR,
    Formulation,
    FormulationLine,
    Ingredient,
    TreatmentPlan,
    TreatmentSession,
    Unit,
    convert,
    dose,
    format_amount,
)


@dataclass(frozen=True)
class LineSpec:
    ingredient: Ingredient
    amount: Decimal
    unit: str


class CocktailBlocked(Exception):
    """The cocktail has a block finding for its patient; `findings` says which."""

    def __init__(self, findings: list[safety.Finding]) -> None:
        self.findings = findings
        super().__init__(" ".join(finding.reason for finding in findings))


def millilitres(lines: list[LineSpec]) -> Decimal:
    """What the lines measured in mL add up to: together they cannot exceed the cocktail's
    total volume (check_lines), and the composition panel shows it as the lines are typed."""
    return sum((line.amount for line in lines if line.unit == Unit.ML and line.amount), Decimal(0))


# mg/mL (60 % w/v): no injectable solution dissolves more; a sum above it is a typing error.
MAX_TOTAL_STRENGTH = Decimal(600)


def total_strength(lines: list[LineSpec], total_volume_ml: Decimal) -> Decimal:
    """The mg per mL of every line measured as a mass or a strength, added up."""
    return sum(
        (
            dose(line.amount, line.unit, total_volume_ml)[0]
            for line in lines
            if line.amount and UNIT_KIND_AND_FACTOR[line.unit][0] in ("mass", "concentration")
        ),
        Decimal(0),
    )


def areas_error(formulation: Formulation, areas) -> str:
    """What is wrong with giving `formulation` on `areas` (each with `.area` and
    `.volume_ml`, planned or recorded): an ingredient kept for other areas (dutasteride: the
    scalp only), or a volume above what the area plausibly takes."""
    problems = []
    for line in formulation.lines.all():
        allowed = list(line.ingredient.allowed_areas.all())
        if allowed and (elsewhere := [a.area.name for a in areas if a.area not in allowed]):
            only = ", ".join(area.name.lower() for area in allowed)
            problems.append(
                _("%(ingredient)s is for the %(only)s only, not the %(elsewhere)s.")
                % {"ingredient": line.ingredient, "only": only, "elsewhere": ", ".join(elsewhere).lower()}
            )
    for given in areas:
        if given.volume_ml > given.area.max_volume_ml:
            problems.append(
                _("%(area)s: %(volume)s is more than the %(maximum)s this area takes in a session.")
                % {
                    "area": given.area,
                    "volume": format_amount(given.volume_ml, Unit.ML),
                    "maximum": format_amount(given.area.max_volume_ml, Unit.ML),
                }
            )
    return " ".join(problems)


def check_lines(lines: list[LineSpec], *, total_volume_ml: Decimal | None) -> list[str]:
    """Problems with the cocktail as a whole, as messages; each line's own limits are
    checked by FormulationLine.clean()."""
    if not lines:
        return [_("Add at least one ingredient.")]
    problems = [
        _("%(ingredient)s appears on %(count)s lines; put it on one line.") % {"ingredient": ingredient, "count": count}
        for ingredient, count in Counter(line.ingredient for line in lines).items()
        if count > 1
    ]
    if total_volume_ml and (strength := total_strength(lines, total_volume_ml)) > MAX_TOTAL_STRENGTH:
        problems.append(
            _(
                "The ingredients add up to %(strength)s w/v, more than the %(maximum)s a solution for injection "
                "can hold."
            )
            % {
                "strength": format_amount(round(strength / 10, 1), Unit.PERCENT),
                "maximum": format_amount(MAX_TOTAL_STRENGTH / 10, Unit.PERCENT),
            }
        )
    measured_in_ml = millilitres(lines)
    if total_volume_ml and measured_in_ml > total_volume_ml:
        problems.append(
            _("The lines measured in mL add up to %(measured)s, more than the total volume of %(total)s.")
            % {"measured": format_amount(measured_in_ml, Unit.ML), "total": format_amount(total_volume_ml, Unit.ML)}
        )
    return problems


def validate_composition(
    *, formulation: Formulation, lines: list[LineSpec], blocks_overridden: bool = False
) -> list[FormulationLine]:
    """Raise ValidationError unless the formulation and its lines obey every rule; for a
    patient's own cocktail, CocktailBlocked for a block, unless `blocks_overridden` (the
    course it is copied for overrides its blocks in writing)."""
    formulation.full_clean(exclude=["created_by"])
    built = [FormulationLine(formulation=formulation, **vars(line)) for line in lines]
    for line in built:
        line.full_clean(exclude=["formulation"], validate_unique=False)
    problems = check_lines(lines, total_volume_ml=formulation.total_volume_ml)
    if problems:
        raise ValidationError(problems)
    if formulation.patient and not blocks_overridden:
        blocks = [
            finding
            for finding in safety.check_ingredients_for_patient(
                patient=formulation.patient,
                ingredients=[line.ingredient for line in lines],
                on_date=timezone.localdate(),
            )
            if finding.is_block
        ]
        if blocks:
            raise CocktailBlocked(blocks)
    return built


def compose_formulation(
    *,
    name: str,
    indication: str,
    total_volume_ml: Decimal,
    lines: list[LineSpec],
    created_by: User,
    patient: Patient | None = None,
    notes: str = "",
    blocks_overridden: bool = False,
) -> Formulation:
    formulation = Formulation(
        name=name,
        indication=indication,
        patient=patient,
        total_volume_ml=total_volume_ml,
        notes=notes,
        created_by=created_by,
    )
    built = validate_composition(formulation=formulation, lines=lines, blocks_overridden=blocks_overridden)
    with transaction.atomic():
        formulation.save()
        for line in built:
            line.formulation = formulation
        bulk_create_with_history(built, FormulationLine)
    return formulation


def revise_formulation(
    *,
    formulation: Formulation,
    name: str,
    indication: str,
    total_volume_ml: Decimal,
    lines: list[LineSpec],
    revised_by: User,
    notes: str = "",
) -> Formulation:
    """Change a cocktail. A version no session has used, and no one has acknowledged a
    warning for, changes in place; otherwise it stays as it is and the changes become the
    next version, which is returned."""
    with transaction.atomic():
        current = Formulation.objects.select_for_update().get(pk=formulation.pk)
        if current.next_versions.exists():
            raise ValidationError(_("A newer version of this cocktail exists; edit that one."))
        if current.revising_makes_new_version:
            revised = Formulation(
                name=name,
                indication=indication,
                patient=current.patient,
                total_volume_ml=total_volume_ml,
                notes=notes,
                created_by=revised_by,
                lineage=current.lineage,
                version=current.version + 1,
                previous_version=current,
            )
        else:
            revised = current
            revised.name, revised.indication = name, indication
            revised.total_volume_ml, revised.notes = total_volume_ml, notes
        built = validate_composition(formulation=revised, lines=lines)
        revised.save()
        if revised.pk == current.pk:
            revised.lines.all().delete()
        for line in built:
            line.formulation = revised
        bulk_create_with_history(built, FormulationLine)
    return revised


def versions_to_give(sessions: Iterable[TreatmentSession]) -> dict[UUID, Formulation]:
    """The cocktail version each session is given, with its lines and ingredients: the one
    recorded once it is done; before, the latest version of its course's cocktail, which the
    recording form offers. A revision (say, B1 taken out) so reaches the prep list and the
    documents at once, while the course keeps pointing at the version it was planned with."""
    sessions = list(sessions)
    recorded = {session.formulation_id for session in sessions if session.is_done}
    lineages = {session.plan.formulation.lineage for session in sessions if not session.is_done}
    versions = (
        Formulation.objects.filter(Q(pk__in=recorded) | Q(lineage__in=lineages, next_versions__isnull=True))
        .order_by("version")
        .prefetch_related(LINES_WITH_INGREDIENTS)
    )
    by_pk, latest = {}, {}
    for version in versions:
        by_pk[version.pk] = latest[version.lineage] = version  # in version order: the last one is the latest
    return {
        session.pk: by_pk[session.formulation_id] if session.is_done else latest[session.plan.formulation.lineage]
        for session in sessions
    }


def version_to_give(session: TreatmentSession) -> Formulation:
    return versions_to_give([session])[session.pk]


def current_version(plan: TreatmentPlan) -> Formulation:
    """The version the course's next session is given (see `versions_to_give`)."""
    return Formulation.objects.current().prefetch_related(LINES_WITH_INGREDIENTS).get(lineage=plan.formulation.lineage)


def describe_line(line: FormulationLine | LineSpec, *, for_patients: bool = False) -> str:
    """`Vitamin C (ascorbic acid) 2 %` and, when the amount is in another unit than the
    ingredient's, its equivalent: `Zinc 500 µg (0.5 mg)`. For patients, the ingredient as
    their documents name it, in the active language."""
    name = line.ingredient.name_for_patients if for_patients else line.ingredient.name
    text = f"{name} {format_amount(line.amount, line.unit)}"
    if line.unit != line.ingredient.unit:
        text += f" ({format_amount(convert(line.amount, line.unit, line.ingredient.unit), line.ingredient.unit)})"
    return text


def composition_preview(
    *, patient: Patient | None, lines: list[dict], total_volume_ml: Decimal | None, problems: list[str]
) -> dict:
    """What the cocktail form's side panel shows while it is edited: the lines chosen so far
    (as the form parsed them), the mL they declare against the total, what the form refuses,
    and the patient's safety findings for these ingredients today."""
    findings = []
    if patient:
        findings = safety.check_ingredients_for_patient(
            patient=patient, ingredients=[line["ingredient"] for line in lines], on_date=timezone.localdate()
        )
    return {
        "chosen": lines,
        "ml_total": millilitres(
            [LineSpec(line["ingredient"], Decimal(str(line.get("amount") or 0)), line.get("unit")) for line in lines]
        ),
        "total_volume": total_volume_ml,
        "problems": problems,
        "findings": findings,
        "patient_checked": patient is not None,
    }
