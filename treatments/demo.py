"""Demo clinic templates and two patients' own cocktails, composed like any other."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from clinic.models import User
from patients.models import Patient
from treatments import allergies, overrides, plans, records
from treatments.cocktails import LineSpec, compose_formulation
from treatments.models import (
    Allergen,
    Formulation,
    Indication,
    Ingredient,
    Product,
    Protocol,
    TreatmentPlan,
    TreatmentSession,
    UnverifiedAllergy,
)

DEMO_NOTE = "Demo template: amounts are examples; set them to the products your clinic uses."

# name, indication, total mL, lines (ingredient, amount, unit)
TEMPLATES = [
    (
        "Face revitalisation: hyaluronic acid and vitamins",
        Indication.REJUVENATION,
        "3",
        [
            ("Hyaluronic acid, non-cross-linked", "10", "mg/mL"),
            ("Vitamin B1 (thiamine)", "5", "mg"),
            ("Vitamin B5 (dexpanthenol)", "10", "mg"),
            ("Vitamin C (ascorbic acid)", "1", "%"),
            ("Lysine", "5", "mg"),
            ("Glycine", "5", "mg"),
            ("Zinc", "500", "µg"),
        ],
    ),
    (
        "Scalp: biotin, zinc and amino acids",
        Indication.HAIR_LOSS,
        "4",
        [
            ("Vitamin B8 (biotin)", "5", "mg"),
            ("Vitamin B5 (dexpanthenol)", "20", "mg"),
            ("Zinc", "1", "mg"),
            ("Cysteine", "10", "mg"),
            ("Methionine", "10", "mg"),
            ("Peptides / growth factors", "1", "mg"),
        ],
    ),
    (
        "Melasma: tranexamic acid, vitamin C and glutathione",
        Indication.PIGMENTATION,
        "2",
        [
            ("Tranexamic acid", "4", "mg/mL"),
            ("Vitamin C (ascorbic acid)", "3", "%"),
            ("Glutathione", "2", "%"),
        ],
    ),
    (
        "Dark circles: light hyaluronic acid and vitamin C",
        Indication.DARK_CIRCLES,
        "1",
        [
            ("Hyaluronic acid, non-cross-linked", "8", "mg/mL"),
            ("Vitamin C (ascorbic acid)", "1", "%"),
            ("Vitamin B12 (cyanocobalamin)", "100", "µg"),
        ],
    ),
    (
        "Body: caffeine and L-carnitine",
        Indication.BODY,
        "20",
        [
            ("Caffeine", "50", "mg"),
            ("L-carnitine", "100", "mg"),
        ],
    ),
]

# patient (first, last), template name, cocktail name
PATIENT_COCKTAILS = [
    (("Camille", "Durand"), "Face revitalisation: hyaluronic acid and vitamins", "Camille's face cocktail"),
    (("Thomas", "Roux"), "Scalp: biotin, zinc and amino acids", "Thomas's scalp cocktail"),
]


# Allergies to catalogue ingredients that exercise the cocktail safety checks.
ALLERGIES = {("Sophie", "Martin"): ["Vitamin B1 (thiamine)"]}
# Allergies typed on the record that the catalogue does not know, resolved as a dermatologist
# would; the others ("Nickel", "Hyaluronidase") stay to resolve, on patients with no course.
NOT_RELEVANT = {
    ("Claire", "Laurent", "Penicillin"): "An antibiotic: nothing the clinic injects or uses contains penicillin.",
}


def seed_typed_allergies(dermatologist: User) -> None:
    """The free text the patients' demo put on their records, read as the chart reads it on
    saving ("Lidocaine" and "Latex" become allergies, "Aspirin" one to salicylates)."""
    for patient in Patient.objects.exclude(allergies=""):
        allergies.record_typed_allergies(patient=patient, text=patient.allergies, recorded_by=dermatologist)
    for (first, last, text), reason in NOT_RELEVANT.items():
        unverified = UnverifiedAllergy.objects.pending().filter(
            patient__first_name=first, patient__last_name=last, text=text
        )
        for row in unverified:
            allergies.dismiss_unverified_allergy(unverified=row, reason=reason, resolved_by=dermatologist)


def seed(*, log: Callable[[str], None]) -> None:
    dermatologist = User.objects.get(username="dr.demo")
    ingredients = {ingredient.name: ingredient for ingredient in Ingredient.objects.all()}
    for (first, last), names in ALLERGIES.items():
        patient = Patient.objects.get(first_name=first, last_name=last)
        if not patient.allergens.exists():
            allergies.set_allergies(
                patient=patient,
                allergens=[Allergen.objects.own_allergen_of(ingredients[name]) for name in names],
                changed_by=dermatologist,
            )
    seed_typed_allergies(dermatologist)
    seed_products(ingredients)
    templates = {}
    for name, indication, volume, lines in TEMPLATES:
        template = Formulation.objects.templates().filter(name=name).first()
        if template is None:
            template = compose_formulation(
                name=name,
                indication=indication,
                total_volume_ml=Decimal(volume),
                lines=[LineSpec(ingredients[ingredient], Decimal(amount), unit) for ingredient, amount, unit in lines],
                notes=DEMO_NOTE,
                created_by=dermatologist,
            )
        templates[name] = template
    for (first, last), template_name, cocktail_name in PATIENT_COCKTAILS:
        patient = Patient.objects.get(first_name=first, last_name=last)
        if not Formulation.objects.filter(patient=patient, name=cocktail_name).exists():
            template = templates[template_name]
            compose_formulation(
                name=cocktail_name,
                indication=template.indication,
                total_volume_ml=template.total_volume_ml,
                lines=[LineSpec(line.ingredient, line.amount, line.unit) for line in template.lines.all()],
                patient=patient,
                created_by=dermatologist,
            )
    log(f"Demo cocktails: {len(TEMPLATES)} clinic templates, {len(PATIENT_COCKTAILS)} patient cocktails.")
    link_protocol_templates(templates)
    seed_plans(dermatologist, log)


PROTOCOL_TEMPLATES = {
    "Skin rejuvenation": "Face revitalisation: hyaluronic acid and vitamins",
    "Hair loss": "Scalp: biotin, zinc and amino acids",
    "Melasma (tranexamic acid cocktail)": "Melasma: tranexamic acid, vitamin C and glutathione",
    "Dark circles": "Dark circles: light hyaluronic acid and vitamin C",
    "Body / cellulite": "Body: caffeine and L-carnitine",
}

# The demo's product catalogue: the catalogue ingredient each contains, name, presentation,
# and the lot the demo records with days from the seeding day to its expiry (None: a product
# the demo never records). The vitamin C lot expires within the month, so the recall page has
# one to take off the shelf; the thiamine ampoule is refused for Sophie Martin, who is allergic.
DEMO_MANUFACTURER = "Demo Pharma"
DEMO_PRODUCTS = [
    ("Hyaluronic acid, non-cross-linked", "Hyaluronic acid 20 mg/mL", "vial 2 mL", "HA24-0917", 300),
    ("Vitamin C (ascorbic acid)", "Vitamin C 10 %", "ampoule 5 mL", "VC25-0412", 20),
    ("Vitamin B8 (biotin)", "Biotin 5 mg/mL", "ampoule 1 mL", "B8-2210", 240),
    ("Tranexamic acid", "Tranexamic acid 100 mg/mL", "ampoule 5 mL", "TXA-3318", 400),
    ("Caffeine", "Caffeine 250 mg/mL", "ampoule 2 mL", "CAF-1107", 400),
    ("Vitamin B1 (thiamine)", "Thiamine 50 mg/mL", "ampoule 2 mL", None, None),
    ("Hyaluronic acid, non-cross-linked", "Hyaluronic acid 20 mg/mL with lidocaine 0.3 %", "syringe 1 mL", None, None),
]
# What a demo product declares beyond its ingredients: refused to a patient allergic to it.
DEMO_PRODUCT_ALLERGENS = {"Hyaluronic acid 20 mg/mL with lidocaine 0.3 %": ["Lidocaine"]}
ACKNOWLEDGED_PILL = "Oral contraceptive for 5 years, no clotting history; discussed and agreed with the patient."

# patient, protocol, days since the course started, sessions done, (interval, min, max) or None, status, reason
DEMO_PLANS = [
    (("Camille", "Durand"), "Skin rejuvenation", 7, 1, None, "active", ""),
    (("Thomas", "Roux"), "Hair loss", 6, 1, None, "active", ""),
    (("Sophie", "Martin"), "Dark circles", 5, 1, None, "active", ""),
    (("Julie", "Bernard"), "Melasma (tranexamic acid cocktail)", -3, 0, None, "active", ACKNOWLEDGED_PILL),
    # Started a week ago with a short window: its first session is overdue.
    (("Nicolas", "Vincent"), "Hair loss", 7, 0, (7, 3, 7), "active", ""),
    (("Marion", "Rousseau"), "Skin rejuvenation", 2, 0, None, "draft", ""),
    (("Lucas", "Faure"), "Hair loss", 4, 1, None, "stopped", ""),
    (("Hélène", "Lefebvre"), "Skin rejuvenation", 3, 1, None, "active", ""),
]
# Courses a block would refuse, planned with a dermatologist's override for the whole course.
COURSE_OVERRIDES = {
    ("Hélène", "Lefebvre"): "Apixaban kept as prescribed, her cardiologist agrees; nappage only, with pressure after "
    "each pass.",
}
# A record corrected afterwards: the first area's volume, typed from the plan instead of the syringe.
CORRECTED_VOLUMES = {("Camille", "Durand"): "The face volume was typed from the plan, not read from the syringe."}


def seed_products(ingredients: dict[str, Ingredient]) -> None:
    """The demo's product catalogue, as the manager keeps it in the admin."""
    for ingredient, name, presentation, _lot_number, _days in DEMO_PRODUCTS:
        product, created = Product.objects.get_or_create(
            name=name, presentation=presentation, manufacturer=DEMO_MANUFACTURER
        )
        if created:
            product.ingredients.set([ingredients[ingredient]])
            product.allergens.set(Allergen.objects.filter(name__in=DEMO_PRODUCT_ALLERGENS.get(name, [])))


def lots_for(formulation: Formulation, *, seeded_on: date) -> list[records.Lot]:
    """The demo lots of the products whose contents this cocktail contains, and no other."""
    contained = set(formulation.lines.values_list("ingredient_id", flat=True))
    lots = []
    for _ingredient, name, presentation, lot_number, days in DEMO_PRODUCTS:
        product = Product.objects.get(name=name, presentation=presentation, manufacturer=DEMO_MANUFACTURER)
        if lot_number and set(product.ingredients.values_list("pk", flat=True)) <= contained:
            lots.append(records.Lot(product, lot_number, seeded_on + timedelta(days=days)))
    return lots


def link_protocol_templates(templates: dict[str, Formulation]) -> None:
    for protocol_name, template_name in PROTOCOL_TEMPLATES.items():
        Protocol.objects.filter(name=protocol_name, default_formulation__isnull=True).update(
            default_formulation=templates[template_name]
        )


def seed_plans(dermatologist: User, log: Callable[[str], None]) -> None:
    today = timezone.localdate()
    created = 0
    for (first, last), protocol_name, days_ago, done, spacing, status, reason in DEMO_PLANS:
        patient = Patient.objects.get(first_name=first, last_name=last)
        if TreatmentPlan.objects.filter(patient=patient).exists():
            continue
        protocol = Protocol.objects.get(name=protocol_name)
        interval, least, most = spacing or (protocol.interval_days, protocol.min_days, protocol.max_days)
        own = Formulation.objects.current().filter(patient=patient, indication=protocol.indication).first()
        cocktail, start = own or protocol.default_formulation, today - timedelta(days=days_ago)
        override = COURSE_OVERRIDES.get((first, last), "")
        blocks = overrides.course_block_breaches(plans.planning_findings(patient, cocktail, start)) if override else []
        plan = plans.create_plan(
            patient=patient,
            protocol=protocol,
            formulation=cocktail,
            areas=[plans.AreaVolume(area, area.typical_volume_ml) for area in protocol.default_areas.all()],
            start_date=start,
            sessions_planned=protocol.sessions,
            interval_days=interval,
            min_days=least,
            max_days=most,
            maintenance_interval_days=protocol.maintenance_interval_days,
            maintenance_count=protocol.maintenance_count,
            status=TreatmentPlan.Status.DRAFT if status == "draft" else TreatmentPlan.Status.ACTIVE,
            acknowledgement_reason=reason,
            override_reason=override,
            overriding=[block.key for block in blocks],
            created_by=dermatologist,
        )
        for session in plan.sessions.order_by("number")[:done]:
            done_at = timezone.make_aware(datetime.combine(session.target_date, time(10, 30)))
            records.record_session(
                session=session,
                done_at=min(done_at, timezone.now()),
                practitioner=dermatologist,
                formulation=plan.formulation,
                areas=[
                    records.AdministeredArea(planned.area, planned.volume_ml, planned.area.technique)
                    for planned in plan.areas.all()
                ],
                lots=lots_for(plan.formulation, seeded_on=today),
                reactions=[TreatmentSession.Reaction.REDNESS],
                notes="Well tolerated.",
                recorded_by=dermatologist,
            )
        if (why := CORRECTED_VOLUMES.get((first, last))) and done:
            correct_first_volume(plan.sessions.get(number=1), reason=why, by=dermatologist)
        if status == "stopped":
            # Nothing is booked yet (scheduling's demo comes later), so the course alone stops.
            plans.stop_plan(plan=plan, reason="Patient moved away", stopped_by=dermatologist)
        created += 1
    log(f"Demo courses: {created} planned, {len(DEMO_PLANS) - created} already there.")


def correct_first_volume(session: TreatmentSession, *, reason: str, by: User) -> None:
    """Half a millilitre less in the session's first area, as its record is corrected."""
    given = records.given_areas(session)
    first = given[0]
    corrected = records.AdministeredArea(first.area, first.volume_ml - Decimal("0.5"), first.technique)
    records.amend_session(session=session, reason=reason, amended_by=by, areas=[corrected, *given[1:]])
