"""Demo patients, registered through the registry like any other patient."""

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from clinic.models import User
from patients import registry
from patients.models import Contraindication, Patient

F, M = Patient.Sex.FEMALE, Patient.Sex.MALE

# first, last, born, sex, phone, skin type, allergies, conditions, medications, portal user
DEMO_PATIENTS = [
    ("Camille", "Durand", date(1986, 4, 12), F, "06 12 34 56 78", 2, "", "", "", "patient.demo"),
    (
        "Thomas",
        "Roux",
        date(1979, 11, 3),
        M,
        "06 23 45 67 89",
        3,
        "",
        "Androgenetic alopecia",
        "Finasteride 1 mg daily",
        "patient2.demo",
    ),
    ("Sophie", "Martin", date(1972, 2, 28), F, "06 34 56 78 90", 2, "Lidocaine", "", "", None),
    ("Julie", "Bernard", date(1990, 7, 19), F, "07 45 67 89 01", 4, "", "Melasma", "Combined oral contraceptive", None),
    ("Nathalie", "Petit", date(1968, 9, 5), F, "06 56 78 90 12", 2, "", "Hypothyroidism", "Levothyroxine 75 µg", None),
    ("Amandine", "Leroy", date(1995, 1, 23), F, "07 67 89 01 23", 3, "Latex", "", "", None),
    ("Isabelle", "Moreau", date(1964, 6, 14), F, "06 78 90 12 34", 2, "", "Hypertension", "Amlodipine 5 mg", None),
    ("Léa", "Simon", date(1998, 3, 30), F, "07 89 01 23 45", 3, "", "", "", None),
    ("Claire", "Laurent", date(1983, 12, 8), F, "06 90 12 34 56", 1, "Penicillin", "", "", None),
    ("Karim", "Benali", date(1987, 5, 2), M, "06 01 23 45 67", 4, "", "", "", None),
    ("Émilie", "Michel", date(1976, 8, 21), F, "06 11 22 33 44", 2, "", "Rosacea", "Ivermectin cream", None),
    ("Aurélie", "Garcia", date(1981, 10, 17), F, "07 22 33 44 55", 3, "", "", "", None),
    ("Sandrine", "David", date(1970, 4, 9), F, "06 33 44 55 66", 2, "Aspirin", "", "", None),
    ("Chloé", "Bertrand", date(1993, 9, 26), F, "07 44 55 66 77", 3, "", "Telogen effluvium", "Iron supplement", None),
    (
        "Valérie",
        "Fontaine",
        date(1966, 1, 15),
        F,
        "06 55 66 77 88",
        2,
        "",
        "Type 2 diabetes",
        "Metformin 1 g twice daily",
        None,
    ),
    ("Marion", "Rousseau", date(1988, 6, 3), F, "07 66 77 88 99", 2, "", "", "", None),
    ("Nicolas", "Vincent", date(1975, 3, 11), M, "06 77 88 99 00", 3, "", "Androgenetic alopecia", "", None),
    ("Fatima", "Haddad", date(1984, 11, 29), F, "06 88 99 00 11", 4, "", "", "", None),
    ("Pauline", "Muller", date(1991, 2, 7), F, "07 99 00 11 22", 1, "Nickel", "", "", None),
    (
        "Hélène",
        "Lefebvre",
        date(1961, 7, 24),
        F,
        "06 10 20 30 40",
        2,
        "",
        "Atrial fibrillation",
        "Apixaban 5 mg twice daily",
        None,
    ),
    ("Sarah", "Cohen", date(1994, 5, 16), F, "07 20 30 40 50", 3, "", "", "", None),
    ("Manon", "Girard", date(1997, 10, 1), F, "07 30 40 50 60", 2, "", "Acne scarring", "", None),
    ("Lucas", "Faure", date(1989, 8, 13), M, "06 40 50 60 70", 3, "", "", "", None),
    ("Caroline", "André", date(1973, 12, 19), F, "06 50 60 70 80", 2, "Hyaluronidase", "", "", None),
]


# The demo clinic is in Paris: these patients read French (their documents, emails and
# calendar files are French whoever prints them); the others English.
READ_FRENCH = {("Thomas", "Roux"), ("Sophie", "Martin"), ("Julie", "Bernard"), ("Léa", "Simon"), ("Karim", "Benali")}


def seed(*, log: Callable[[str], None]) -> None:
    registered_by = User.objects.get(username="desk.demo")
    dermatologist = User.objects.get(username="dr.demo")
    created = 0
    for index, row in enumerate(DEMO_PATIENTS):
        first, last, born, sex, phone, skin_type, allergies, conditions, medications, portal = row
        if Patient.objects.likely_duplicates_of(first_name=first, last_name=last, date_of_birth=born).exists():
            continue
        patient = registry.register_patient(
            registered_by=registered_by,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            sex=sex,
            phone=phone,
            email=f"{first.lower()}.{last.lower()}@example.org".replace("é", "e").replace("è", "e"),
            address=f"{10 + index} rue de la République, 750{index % 20 + 1:02d} Paris",
            portal_user=User.objects.get(username=portal) if portal else None,
            preferred_language="fr" if (first, last) in READ_FRENCH else "en",
        )
        registry.update_patient(
            patient=patient,
            changed_by=dermatologist,
            skin_type=skin_type,
            allergies=allergies,
            medical_conditions=conditions,
            current_medications=medications,
        )
        created += 1
        record_safety_profile(patient, dermatologist)
    log(f"Demo patients: {created} registered, {len(DEMO_PATIENTS) - created} already there.")


# Contraindications that exercise the cocktail safety checks (allergies to catalogue
# ingredients are treatments' demo data).
# (first, last): [(contraindication, started days ago, ended days ago or None, notes)]
CONDITIONS = {
    ("Hélène", "Lefebvre"): [("Anticoagulant therapy, bleeding disorder or low platelets", 900, None, "apixaban")],
    ("Julie", "Bernard"): [("Hormonal contraception or smoking", 2000, None, "combined pill")],
    ("Chloé", "Bertrand"): [("Oral isotretinoin", 300, 90, "acne course")],
    ("Caroline", "André"): [("Salicylate allergy", None, None, "")],
    ("Valérie", "Fontaine"): [
        (
            "Insulin-dependent diabetes, heart disease or arrhythmia, uncontrolled hypertension, epilepsy, thyroid "
            "disease or organ failure",
            4000,
            None,
            "type 2 diabetes, on metformin",
        )
    ],
}


def record_safety_profile(patient: Patient, dermatologist: User) -> None:
    key = (patient.first_name, patient.last_name)
    today = timezone.localdate()
    for name, started_days_ago, ended_days_ago, notes in CONDITIONS.get(key, []):
        registry.record_condition(
            patient=patient,
            contraindication=Contraindication.objects.get(name=name),
            started_on=today - timedelta(days=started_days_ago) if started_days_ago is not None else None,
            ended_on=today - timedelta(days=ended_days_ago) if ended_days_ago is not None else None,
            notes=notes,
            recorded_by=dermatologist,
        )
