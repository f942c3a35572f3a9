"""What a screen reader is told on the booking form: which field is in error and why, the slot
results as a live region, and each slot as a toggle that is pressed once chosen."""

from datetime import time

from tests.factories import WorkingHoursFactory, next_tuesday_at_ten


def test_the_patient_search_in_error_is_marked_and_described_by_its_error(client, charlie):
    client.force_login(charlie)

    page = client.post("/appointments/new/", {"minutes": "30"}).content.decode()

    assert 'aria-invalid="true" aria-describedby="patient-search-error" id="patient-search"' in page
    assert '<div id="patient-search-error" class="invalid-feedback d-block"><p class="mb-0">' in page


def test_the_slot_results_sit_in_a_live_region_that_htmx_does_not_replace(client, charlie):
    client.force_login(charlie)

    page = client.get("/appointments/new/").content.decode()

    # htmx swaps #slot-list whole (outerHTML): the live region must be the element around it.
    assert '<div aria-live="polite">\n        <div id="slot-list">' in page


def test_each_free_slot_is_a_toggle_not_yet_pressed(client, charlie, derek, room1):
    WorkingHoursFactory(practitioner=derek, weekday=next_tuesday_at_ten().weekday(), start=time(9), end=time(10))
    client.force_login(charlie)

    slots = client.get(f"/schedule/slots/?date={next_tuesday_at_ten():%Y-%m-%d}&minutes=30").content.decode()

    assert slots.count('slot-choice" aria-pressed="false"') == 3  # 09:00, 09:15 and 09:30
