"""Failed sign-ins behind the clinic's proxy: the lockout stops the attacker, not the
dermatologist; the audit records who was really at the other end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.roles import Role
from tests.factories import TreatmentPlanFactory, UserFactory
from treatments.models import DocumentHandover

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
DERMATOLOGIST = "198.51.100.7"


def sign_in(client, password, *, via_proxy_from=None, remote_addr="127.0.0.1", username="dr.demo"):
    headers = {"REMOTE_ADDR": remote_addr}
    if via_proxy_from:
        headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": via_proxy_from}
    response = client.post("/accounts/login/", {"username": username, "password": password}, **headers)
    client.logout()
    return response


@pytest.fixture
def dr_demo(db):
    return UserFactory(username="dr.demo", role=Role.DERMATOLOGIST)


@pytest.fixture
def behind_one_proxy(settings):
    settings.CLINIC_TRUSTED_PROXIES = 1


def test_behind_the_proxy_failures_lock_the_attacker_not_the_real_user(client, dr_demo, behind_one_proxy):
    for _ in range(4):
        assert sign_in(client, "wrong", via_proxy_from=ATTACKER).status_code == 200
    assert sign_in(client, "wrong", via_proxy_from=ATTACKER).status_code == 429  # the fifth locks

    locked = sign_in(client, PASSWORD, via_proxy_from=ATTACKER)
    assert locked.status_code == 429
    assert "locked on this device after 5 wrong passwords" in locked.content.decode()
    assert sign_in(client, PASSWORD, via_proxy_from=DERMATOLOGIST).status_code == 302


def test_a_forged_forwarded_for_is_not_believed(client, dr_demo, behind_one_proxy):
    # The attacker writes the dermatologist's address; the proxy appends the real one.
    for _ in range(5):
        sign_in(client, "wrong", via_proxy_from=f"{DERMATOLOGIST}, {ATTACKER}")
    assert sign_in(client, PASSWORD, via_proxy_from=DERMATOLOGIST).status_code == 302
    assert sign_in(client, PASSWORD, via_proxy_from=ATTACKER).status_code == 429


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, dr_demo):
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "dr.demo", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=DERMATOLOGIST,
        )
    assert sign_in(client, PASSWORD, remote_addr=DERMATOLOGIST).status_code == 302
    assert sign_in(client, PASSWORD, remote_addr=ATTACKER).status_code == 429


def test_trying_again_during_the_lock_does_not_make_it_longer(client, dr_demo, behind_one_proxy, time_machine):
    time_machine.move_to(timezone.now())
    for _ in range(5):
        sign_in(client, "wrong", via_proxy_from=ATTACKER)
    locked_at = timezone.now()
    for minutes in (5, 10, 14):  # one try every few minutes used to keep the account locked forever
        time_machine.move_to(locked_at + timedelta(minutes=minutes))
        refused = sign_in(client, "wrong", via_proxy_from=ATTACKER)
        assert refused.status_code == 429
    until = timezone.localtime(locked_at + timedelta(minutes=15)).strftime("%H:%M")
    assert f"Try again after {until}" in refused.content.decode()

    time_machine.move_to(locked_at + timedelta(minutes=15, seconds=1))
    assert sign_in(client, PASSWORD, via_proxy_from=ATTACKER).status_code == 302


def rotate_addresses(client, failures, *, start=1):
    """Wrong passwords from ever new addresses, four each: never enough to lock one client."""
    for index in range(failures):
        address = f"203.0.113.{start + index // 4}"
        assert sign_in(client, "wrong", via_proxy_from=address).status_code == 200


def test_rotating_addresses_buys_twenty_guesses_an_hour_not_five_per_address(
    client, dr_demo, behind_one_proxy, time_machine
):
    time_machine.move_to(timezone.now())
    started = timezone.now()
    rotate_addresses(client, 20)

    refused = sign_in(client, PASSWORD, via_proxy_from="203.0.113.200")
    assert refused.status_code == 429
    assert "too many wrong passwords from different places" in refused.content.decode()

    time_machine.move_to(started + timedelta(minutes=30))
    assert sign_in(client, "wrong", via_proxy_from="203.0.113.201").status_code == 429  # not counted
    time_machine.move_to(started + timedelta(hours=1, seconds=1))
    assert sign_in(client, PASSWORD, via_proxy_from="203.0.113.202").status_code == 302


def test_the_real_user_from_an_address_they_signed_in_from_is_never_refused(client, dr_demo, behind_one_proxy):
    assert sign_in(client, PASSWORD, via_proxy_from=DERMATOLOGIST).status_code == 302
    rotate_addresses(client, 20)

    assert sign_in(client, PASSWORD, via_proxy_from="203.0.113.200").status_code == 429
    assert sign_in(client, PASSWORD, via_proxy_from=DERMATOLOGIST).status_code == 302


def test_the_manager_unlocks_a_user_in_the_admin(client, dr_demo, margaret, behind_one_proxy):
    rotate_addresses(client, 20)
    for _ in range(5):
        sign_in(client, "wrong", via_proxy_from=ATTACKER)
    assert sign_in(client, PASSWORD, via_proxy_from=ATTACKER).status_code == 429

    client.force_login(margaret)
    response = client.post(
        "/admin/clinic/user/", {"action": "unlock_sign_in", "_selected_action": [dr_demo.pk]}, follow=True
    )
    assert "1 user may sign in again now." in response.content.decode()
    client.logout()
    assert sign_in(client, PASSWORD, via_proxy_from=ATTACKER).status_code == 302


def test_a_download_records_the_clients_address_behind_the_proxy(client, derek, behind_one_proxy):
    plan = TreatmentPlanFactory(created_by=derek)
    client.force_login(derek)
    response = client.get(
        f"/plans/{plan.pk}/plan.pdf", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {DERMATOLOGIST}"
    )
    assert response.status_code == 200
    assert DocumentHandover.objects.get(plan=plan).ip_address == DERMATOLOGIST
