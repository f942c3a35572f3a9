from datetime import date

import pytest
from django.db import connection

from patients.models import Patient
from tests.factories import PatientFactory


@pytest.fixture
def registry(db):
    return {
        "martin": PatientFactory(
            first_name="Sophie",
            last_name="Martin",
            date_of_birth=date(1972, 2, 28),
            phone="06 34 56 78 90",
            email="sophie.m@example.org",
        ),
        "martinez": PatientFactory(
            first_name="Lucas",
            last_name="Martinez",
            date_of_birth=date(1989, 8, 13),
            phone="+33 7 40 50 60 70",
            email="lucas@example.net",
        ),
        "roux": PatientFactory(
            first_name="Thomas",
            last_name="Roux",
            date_of_birth=date(1979, 11, 3),
            phone="06.23.45.67.89",
            email="t.roux@example.com",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("martin", {"martin", "martinez"}),
        ("Sophie", {"martin"}),
        ("sophie martin", {"martin"}),
        ("Martin Sophie", {"martin"}),
        ("rou", {"roux"}),
        ("06 34 56", {"martin"}),
        ("0634567890", {"martin"}),
        ("06-23-45", {"roux"}),
        ("+3374050", {"martinez"}),
        ("t.roux@example.com", {"roux"}),
        ("example.net", {"martinez"}),
        ("1979-11-03", {"roux"}),
        ("03/11/1979", {"roux"}),
        ("nobody", set()),
    ],
)
def test_search_finds_patients_by_each_field(client, charlie, registry, query, expected):
    client.force_login(charlie)
    response = client.get("/patients/", {"q": query})
    found = {key for key, patient in registry.items() if patient in response.context["patients"]}
    assert found == expected


def test_a_changed_phone_is_found_by_its_new_number_only(registry):
    roux = registry["roux"]
    roux.phone = "07 11 22 33 44"
    roux.save(update_fields=["phone"])

    assert list(Patient.objects.search("07 11 22")) == [roux]
    assert not Patient.objects.search("06.23.45").exists()


def test_search_as_you_type_answers_with_the_results_fragment(client, charlie, registry):
    client.force_login(charlie)
    response = client.get("/patients/", {"q": "roux"}, headers={"HX-Request": "true", "HX-Target": "patient-results"})
    page = response.content.decode()
    assert "<html" not in page
    assert "ROUX, Thomas" in page
    assert "MARTIN" not in page


def test_no_match_says_so_and_offers_to_register(client, charlie, registry):
    client.force_login(charlie)
    page = client.get("/patients/", {"q": "Zzyzx"}).content.decode()
    assert "No patient matches “Zzyzx”" in page
    assert 'href="/patients/new/"' in page


def test_list_is_ordered_by_last_name_and_paginated(client, charlie):
    for index in range(30):
        PatientFactory(last_name=f"Name{index:02d}")
    client.force_login(charlie)
    first_page = client.get("/patients/")
    names = [p.last_name for p in first_page.context["patients"]]
    assert names == sorted(names)
    assert len(names) == 25
    assert "Page 1 of 2" in first_page.content.decode()
    second_page = client.get("/patients/", {"page": 2})
    assert len(second_page.context["patients"]) == 5
    assert client.get("/patients/", {"page": "abc"}).status_code == 200


@pytest.mark.parametrize("patients", [10, 200])
def test_patient_list_queries_stay_flat(client, charlie, django_assert_max_num_queries, patients):
    PatientFactory.create_batch(patients)
    client.force_login(charlie)
    # session, user, groups, count, one page of patients
    with django_assert_max_num_queries(5):
        response = client.get("/patients/")
    assert len(response.context["patients"]) == min(patients, 25)
    with django_assert_max_num_queries(5):
        client.get("/patients/", {"q": "a"})


@pytest.mark.parametrize("query", ["éloïse", "ÉLOÏSE", "eloise", "dupre", "DUPRÉ", "Eloise Dupré"])
def test_search_ignores_case_and_accents(client, charlie, query):
    eloise = PatientFactory(first_name="Éloïse", last_name="Dupré", email="")
    client.force_login(charlie)
    assert list(client.get("/patients/", {"q": query}).context["patients"]) == [eloise]


def test_list_sorts_names_regardless_of_case_and_accents(client, charlie):
    for last_name in ["Zola", "DUPRÉ", "Émery", "david", "Cohen"]:
        PatientFactory(last_name=last_name)
    client.force_login(charlie)
    names = [patient.last_name for patient in client.get("/patients/").context["patients"]]
    assert names == ["Cohen", "david", "DUPRÉ", "Émery", "Zola"]


@pytest.mark.parametrize(
    ("query", "index"),
    [("sophie", "patient_name_key_trgm"), ("@clinic", "patient_email_trgm"), ("06 12", "patient_phone_digits_trgm")],
)
def test_on_postgresql_name_email_and_phone_search_can_use_their_trigram_index(db, query, index):
    if connection.vendor != "postgresql":
        pytest.skip("Trigram indexes exist on PostgreSQL only.")
    PatientFactory.create_batch(3)
    sql, params = Patient.objects.search(query).query.sql_with_params()
    with connection.cursor() as cursor:
        # The test table is tiny, where reading it whole is cheapest: make the planner show it can use the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan
