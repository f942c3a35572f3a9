"""Demo staff and portal accounts. seed_demo calls seed(); patients/demo.py links patients."""

from collections.abc import Callable

from django.contrib.auth.models import Group

from clinic.models import User
from clinic.roles import Role

DEMO_PASSWORD = "mesoplan-demo"

# username, first name, last name, role (None for the manager), language ("": the browser's),
# what the account is for. The two patients read their own languages (patients/demo.py).
DEMO_USERS = [
    ("dr.demo", "Claire", "Moreau", Role.DERMATOLOGIST, "", "dermatologist"),
    ("dr.bernard", "Hugo", "Bernard", Role.DERMATOLOGIST, "", "dermatologist"),
    ("dr.lefevre", "Inès", "Lefèvre", Role.DERMATOLOGIST, "", "dermatologist"),
    ("desk.demo", "Léa", "Petit", Role.FRONT_DESK, "", "front desk"),
    ("admin.demo", "Marc", "Girard", None, "", "clinic manager: /admin/"),
    ("patient.demo", "Camille", "Durand", Role.PATIENT, "en", "patient portal"),
    ("patient2.demo", "Thomas", "Roux", Role.PATIENT, "fr", "patient portal"),
]


def demo_sign_ins() -> list[tuple[str, str]]:
    return [(username, description) for username, *_, description in DEMO_USERS]


def seed(*, log: Callable[[str], None]) -> None:
    created = 0
    for username, first_name, last_name, role, language, _ in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "language": language,
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if role:
                user.groups.add(Group.objects.get(name=role))
            created += 1
    log(f"Demo accounts: {created} created, {len(DEMO_USERS) - created} already there.")
