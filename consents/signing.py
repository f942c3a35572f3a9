"""Signing a consent form, recording a paper one, withdrawing one: every write to the
signatures goes through here.

A signature keeps what was agreed to as it was: the version, the exact text's SHA-256 in the
patient's language, and the PDF made at that moment (or the scan of the paper form), never
made again. Whether a signature still covers a course is `consents.gate`'s to say."""

import hashlib
import io
import unicodedata
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from clinic.models import User
from consents import documents, gate
from consents.models import ConsentForm, ConsentSignature, ConsentVersion
from patients.models import Patient
from treatments.models import TreatmentPlan, TreatmentSession

# The application's own account (inactive): it published the seeded forms (consents 0002) and
# recorded the paper consents migrated from dates nobody was on record for (0003).
SYSTEM_USERNAME = "mesoplan-system"
MAX_DRAWING_BYTES = 200 * 1024
# A signature pad is wider than tall; anything outside these is not a drawing from one.
DRAWING_WIDTH = (100, 4000)
DRAWING_HEIGHT = (40, 2000)
MAX_SCAN_BYTES = 10 * 1024 * 1024
# What a scan may be, told by its first bytes whatever its name says.
SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class SigningRefused(ValidationError):
    """The signature, paper record or withdrawal is refused; the message says why, for the
    person in front of the screen. Nothing was recorded."""


def fold(text: str) -> str:
    """ "eloise dupre" for "  Éloïse   DUPRÉ ": how a typed name is compared with the record."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(bare.replace("-", " ").casefold().split())


def signed_text(version: ConsentVersion, language: str) -> tuple[str, str]:
    """The title and text of `version` in `language`, exactly as the patient reads them."""
    return getattr(version, f"title_{language}") or "", getattr(version, f"body_{language}") or ""


def text_sha256(version: ConsentVersion, language: str) -> str:
    title, body = signed_text(version, language)
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def next_course(patient: Patient, *, on: date) -> TreatmentPlan | None:
    """The course of the patient's next session: the next booked one, else the earliest
    course still under way. (Appointments are scheduling's, a layer above: treatments knows
    when a session is booked for.)"""
    booked = (
        TreatmentSession.objects.filter(
            plan__patient=patient,
            plan__status=TreatmentPlan.Status.ACTIVE,
            status=TreatmentSession.Status.BOOKED,
            booked_for__date__gte=on,
        )
        .select_related("plan")
        .order_by("booked_for")
        .first()
    )
    if booked:
        return booked.plan
    return (
        TreatmentPlan.objects.filter(patient=patient, status=TreatmentPlan.Status.ACTIVE)
        .order_by("start_date", "created_at")
        .first()
    )


def forms_to_sign(
    patient: Patient, *, course: TreatmentPlan | None = None, on: date | None = None
) -> list[ConsentVersion]:
    """The current versions the patient must sign before the next session of `course` (by
    default their next appointment's course) and holds no valid signature for. No course
    under way: nothing to sign yet."""
    on = on or timezone.localdate()
    course = course or next_course(patient, on=on)
    if course is None:
        return []
    to_sign = []
    for form in gate.forms_required_for(course):
        version = form.current_version()
        if version and gate.valid_signature(patient, form, course=course, on=on) is None:
            to_sign.append(version)
    return to_sign


def sign(
    *,
    patient: Patient,
    version: ConsentVersion,
    method: str,
    channel: str,
    recorded_by: User,
    typed_name: str = "",
    drawing: bytes | None = None,
    witnessed_by: User | None = None,
    ip_address: str | None = None,
    device: str = "",
    course: TreatmentPlan | None = None,
) -> ConsentSignature:
    """Record the patient's signature of `version`, with its PDF. Refused (SigningRefused,
    nothing recorded) for a version that is not the current one or of a form the patient
    need not sign, one already signed, a typed name that is not the patient's, a drawing
    that is not a plausible PNG from a signature pad."""
    if method not in (ConsentSignature.Method.DRAWN, ConsentSignature.Method.TYPED):
        raise SigningRefused(_("Sign by drawing your signature or by typing your full name."))
    if channel not in (ConsentSignature.Channel.KIOSK, ConsentSignature.Channel.PORTAL):
        raise SigningRefused(_("A signature is made on the clinic's tablet or in the patient portal."))
    typed_name = " ".join((typed_name or "").split())
    if method == ConsentSignature.Method.TYPED:
        check_typed_name(patient, typed_name)
    else:
        check_drawing(drawing)
    with transaction.atomic():
        # Two tablets, or a tablet and the portal, at once: the second waits here, then finds
        # the form signed.
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        today = timezone.localdate()
        course = course or next_course(patient, on=today)
        version = check_version(patient, version, course=course, on=today)
        language = patient.preferred_language
        signature = ConsentSignature(
            patient=patient,
            version=version,
            course=course,
            language=language,
            text_sha256=text_sha256(version, language),
            method=method,
            channel=channel,
            typed_name=typed_name[:201] if method == ConsentSignature.Method.TYPED else "",
            drawing=drawing if method == ConsentSignature.Method.DRAWN else None,
            signed_at=timezone.now(),
            witnessed_by=witnessed_by if channel == ConsentSignature.Channel.KIOSK else None,
            recorded_by=recorded_by,
            ip_address=ip_address or None,
            device=(device or "")[:300],
        )
        signature.document = documents.signed_consent_pdf(signature)
        signature.document_type = "application/pdf"
        signature.document_sha256 = hashlib.sha256(signature.document).hexdigest()
        signature.save(force_insert=True)
    return signature


def check_version(
    patient: Patient, version: ConsentVersion, *, course: TreatmentPlan | None, on: date
) -> ConsentVersion:
    form = ConsentForm.objects.get(pk=version.form_id)
    current = form.current_version()
    if not form.active or current is None or current.pk != version.pk:
        raise SigningRefused(
            _("This is not the current version of “%(form)s”: the clinic has changed it. Open the form again.")
            % {"form": current.title if current else form.name}
        )
    if course is not None and gate.valid_signature(patient, form, course=course, on=on):
        raise SigningRefused(_("“%(form)s” is already signed.") % {"form": version.title})
    if course is None or form not in gate.forms_required_for(course):
        raise SigningRefused(_("“%(form)s” is not a form you need to sign.") % {"form": version.title})
    title, body = signed_text(version, patient.preferred_language)
    if not (title and body):
        raise SigningRefused(_("This form is not written in your language yet: ask the clinic."))
    return version


def check_typed_name(patient: Patient, typed_name: str) -> None:
    if not typed_name:
        raise SigningRefused(_("Type your full name to sign."))
    names = (fold(f"{patient.first_name} {patient.last_name}"), fold(f"{patient.last_name} {patient.first_name}"))
    if fold(typed_name) not in names:
        raise SigningRefused(
            _("The name typed is not the name the clinic has for you (%(name)s). Type it as it is written here.")
            % {"name": patient.full_name}
        )


def check_drawing(drawing: bytes | None) -> None:
    if not drawing:
        raise SigningRefused(_("Draw your signature in the box, or sign by typing your name."))
    if len(drawing) > MAX_DRAWING_BYTES:
        raise SigningRefused(_("The signature drawn is too large to be a signature. Clear it and sign again."))
    if not drawing.startswith(PNG_SIGNATURE):
        raise SigningRefused(_("The signature drawn could not be read. Clear it and sign again."))
    try:
        with Image.open(io.BytesIO(drawing)) as image:
            image.load()
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise SigningRefused(_("The signature drawn could not be read. Clear it and sign again.")) from None
    if not (DRAWING_WIDTH[0] <= width <= DRAWING_WIDTH[1] and DRAWING_HEIGHT[0] <= height <= DRAWING_HEIGHT[1]):
        raise SigningRefused(_("The signature drawn has an odd size. Clear it and sign again."))


def scan_type(scan: UploadedFile) -> str:
    """The scan's type read from its content; refused if it is not a PDF, JPEG or PNG, or
    larger than 10 MB."""
    if scan.size is not None and scan.size > MAX_SCAN_BYTES:
        raise SigningRefused({"scan": _("The scan is larger than 10 MB: scan it again at a lower resolution.")})
    scan.seek(0)
    head = scan.read(8)
    for signature, content_type in SCAN_SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise SigningRefused({"scan": _("The scan must be a PDF, JPEG or PNG file.")})


def version_on(form: ConsentForm, day: date) -> ConsentVersion | None:
    """The version a paper form signed on `day` was printed from: the last published by then
    (the first, for a day before any was)."""
    end_of_day = timezone.make_aware(datetime.combine(day, time.max))
    return (
        form.versions.filter(published_at__lte=end_of_day).order_by("-number").first()
        or form.versions.order_by("number").first()
    )


def record_paper(
    *,
    patient: Patient,
    form: ConsentForm,
    signed_on: date,
    recorded_by: User,
    scan: UploadedFile | None = None,
    course: TreatmentPlan | None = None,
) -> ConsentSignature:
    """A consent the patient signed on paper, as staff record it from the chart, with the
    scan if there is one: it counts as a signature of the version printed on that day."""
    if signed_on > timezone.localdate():
        raise SigningRefused({"signed_on": _("A consent cannot be signed in the future.")})
    if signed_on < patient.date_of_birth:
        raise SigningRefused({"signed_on": _("A consent cannot be signed before the patient was born.")})
    content_type = scan_type(scan) if scan else ""
    document = b"".join(scan.chunks()) if scan else None
    if document is not None and len(document) > MAX_SCAN_BYTES:
        raise SigningRefused({"scan": _("The scan is larger than 10 MB: scan it again at a lower resolution.")})
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        version = version_on(form, signed_on)
        if version is None:
            raise SigningRefused({"form": _("This form has no version yet.")})
        signed_at = timezone.make_aware(datetime.combine(signed_on, time()))
        if (
            ConsentSignature.objects.standing()
            .filter(patient=patient, version__form=form, signed_at=signed_at)
            .exists()
        ):
            raise SigningRefused({"form": _("This paper consent is already recorded for that day.")})
        signature = ConsentSignature.objects.create(
            patient=patient,
            version=version,
            course=course,
            language=patient.preferred_language,
            text_sha256=text_sha256(version, patient.preferred_language),
            method=ConsentSignature.Method.PAPER,
            channel=ConsentSignature.Channel.PAPER,
            signed_at=signed_at,
            recorded_by=recorded_by,
            document=document,
            document_type=content_type,
            document_sha256=hashlib.sha256(document).hexdigest() if document else "",
        )
    return signature


def withdraw(*, signature: ConsentSignature, by: User, reason: str, on: date | None = None) -> ConsentSignature:
    """The patient takes their consent back from `on` (today by default). The signature stays,
    marked withdrawn with who, when and why; the gate then finds the consent missing."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise SigningRefused({"reason": _("Say why the consent is withdrawn.")})
    if len(reason) > 300:
        raise SigningRefused({"reason": _("Keep the reason under 300 characters.")})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise SigningRefused({"on": _("A consent cannot be withdrawn in the future.")})
    with transaction.atomic():
        signature = ConsentSignature.objects.select_for_update().get(pk=signature.pk)
        if signature.withdrawn_at is not None:
            raise SigningRefused(_("This consent was already withdrawn."))
        if on < timezone.localdate(signature.signed_at):
            raise SigningRefused({"on": _("A consent cannot be withdrawn before it was signed.")})
        signature.withdrawn_at = timezone.now() if on == today else timezone.make_aware(datetime.combine(on, time()))
        signature.withdrawn_by = by
        signature.withdrawal_reason = reason
        signature.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return signature
