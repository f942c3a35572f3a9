"""The signed consent as a PDF: made once, when the patient signs, and kept on the signature
(`ConsentSignature.document`); downloads send those bytes, never a new rendering, so the
document shown years later is the one made that day."""

import base64

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext
from django_weasyprint.utils import DjangoURLFetcher

from consents.models import ConsentSignature


def signed_consent_context(signature: ConsentSignature) -> dict:
    language = signature.language
    return {
        "signature": signature,
        "patient": signature.patient,
        "language": language,
        "title": getattr(signature.version, f"title_{language}"),
        "paragraphs": [part for part in getattr(signature.version, f"body_{language}").split("\n\n") if part.strip()],
        "signed_at": timezone.localtime(signature.signed_at),
        "drawing_uri": (
            "data:image/png;base64," + base64.b64encode(bytes(signature.drawing)).decode() if signature.drawing else ""
        ),
        "clinic": {"name": settings.CLINIC_NAME, "address": settings.CLINIC_ADDRESS, "phone": settings.CLINIC_PHONE},
    }


def signed_consent_pdf(signature: ConsentSignature) -> bytes:
    """The PDF/UA-1 of a signature being made, in the language it is signed in."""
    with translation.override(signature.language):
        html = render_to_string("consents/signed_consent.html", signed_consent_context(signature))
    document = weasyprint.HTML(string=html, base_url=settings.WEASYPRINT_BASEURL, url_fetcher=DjangoURLFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


def file_name(signature: ConsentSignature) -> str:
    """consentement-Durand-2026-12-06.pdf: named in the patient's language, like the document."""
    with translation.override(signature.language):
        kind = pgettext("file name", "consent")
    return f"{kind}-{signature.patient.last_name}-{timezone.localtime(signature.signed_at):%Y-%m-%d}.pdf"
