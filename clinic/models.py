from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: clinic staff or a patient using the portal.

    What someone may do comes from their groups (see clinic.roles), not from this row.
    """

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
