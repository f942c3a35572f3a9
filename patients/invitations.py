"""Inviting a patient to the portal: a one-time link to choose their password, emailed when
they have an address. The link is Django's password-reset token: it expires after
PASSWORD_RESET_TIMEOUT, and choosing a password spends it."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from clinic.models import User
from patients.models import Patient


def invitation_path(account: User) -> str:
    return reverse(
        "portal_welcome",
        args=[urlsafe_base64_encode(force_bytes(account.pk)), default_token_generator.make_token(account)],
    )


def send_invitation(*, patient: Patient, account: User, link: str) -> bool:
    """Email the link to the patient (their account is saved already), in the patient's
    language whoever invites them; False when they have no address."""
    if not patient.email:
        return False
    with translation.override(patient.preferred_language):
        subject = _("Your %(clinic)s patient portal") % {"clinic": settings.CLINIC_NAME}
        body = _(
            "Hello %(first_name)s,\n\nYour sign-in name is %(username)s. Choose your password to see "
            "your appointments and documents:\n%(link)s\n\nThis link works once, for three days."
        ) % {"first_name": patient.first_name, "username": account.username, "link": link}
    send_mail(subject, body, None, [patient.email])
    return True
