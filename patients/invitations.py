"""Inviting a patient to the portal: a one-time link to choose their password, emailed when
they have an address. The link is Django's password-reset token: it expires after
PASSWORD_RESET_TIMEOUT, and choosing a password spends it."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.models import User
from patients.models import Patient


def invitation_path(account: User) -> str:
    return reverse(
        "portal_welcome",
        args=[urlsafe_base64_encode(force_bytes(account.pk)), default_token_generator.make_token(account)],
    )


def send_invitation(*, patient: Patient, account: User, link: str) -> bool:
    """Email the link to the patient (their account is saved already); False when they have no address."""
    if not patient.email:
        return False
    send_mail(
        f"Your {settings.CLINIC_NAME} patient portal",
        f"Hello {patient.first_name},\n\nYour sign-in name is {account.username}. Choose your password to see "
        f"your appointments and documents:\n{link}\n\nThis link works once, for three days.",
        None,
        [patient.email],
    )
    return True
