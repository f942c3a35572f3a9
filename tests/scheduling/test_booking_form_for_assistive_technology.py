"""What a screen reader is told on the booking form: which field is in error and why, and each
slot as a toggle that is pressed once chosen (the live region: tests/test_live_regions.py)."""

from datetime import time

from tests.factories import WorkingHoursFactory, next_tuesday_at_ten


def test_the_patient_search_in_error_is_marked_and_described_by_its_error(client, charlie):
    client.force_login(charlie)

    page = client.post("/appointments/new/", {"minutes": "30"}).content.decode()

    assert 'aria-invalid="true" aria-describedby="patient-search-error" id="patient-search"' in page
    assert '<div id="patient-search-error" class="invalid-feedback d-block"><p class="mb-0">' in page


def test_each_free_slot_is_a_toggle_not_yet_pressed(client, charlie, derek, room1):
    WorkingHoursFactory(practitioner=derek, weekday=next_tuesday_at_ten().weekday(), start=time(9), end=time(10))
    client.force_login(charlie)

    slots = client.get(f"/schedule/slots/?date={next_tuesday_at_ten():%Y-%m-%d}&minutes=30").content.decode()

    assert slots.count('slot-choice" aria-pressed="false"') == 3  # 09:00, 09:15 and 09:30


def test_the_patient_chosen_is_read_out_from_a_live_region_that_stays(client, charlie):
    client.force_login(charlie)

    page = client.get("/appointments/new/").content.decode()

    assert '<div aria-live="polite"><div id="patient-chosen"' in page
