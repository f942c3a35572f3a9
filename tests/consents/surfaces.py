"""Set-ups the signing surfaces' tests share (test_kiosk, test_portal_consents,
test_signing_input): one consent form in use, a course that needs it, drawings."""

import base64
from io import BytesIO

from PIL import Image, ImageDraw

from consents.models import ConsentForm, ConsentVersion
from tests.factories import ConsentFormFactory, ConsentVersionFactory, TreatmentPlanFactory
from treatments.models import Indication, TreatmentPlan

# The full questionnaire answered "no" throughout (consents.intake.QUESTIONS).
NO_TO_ALL = {
    key: "no"
    for key in [
        "pregnancy",
        "anticoagulants",
        "medication",
        "allergies",
        "autoimmune",
        "herpes",
        "keloids",
        "isotretinoin",
        "recent_procedures",
        "skin_infection",
    ]
}


def only_form(**kwargs) -> ConsentForm:
    """A treatment consent form for every course, the only one in use: the seeded forms are
    put out of use, so each test knows exactly what is to sign."""
    ConsentForm.objects.update(active=False)
    return ConsentFormFactory(**kwargs)


def course_needing_consent(patient, **kwargs) -> TreatmentPlan:
    """A rejuvenation course starting today for which `patient` has signed nothing and
    answered no questionnaire."""
    return TreatmentPlanFactory(patient=patient, indication=Indication.REJUVENATION, ready=False, **kwargs)


def new_version(form: ConsentForm, **kwargs) -> ConsentVersion:
    return ConsentVersionFactory(
        form=form, title_en="Consent to mesotherapy, 2nd edition", title_fr="Consentement, 2e édition", **kwargs
    )


def png(width: int = 600, height: int = 200) -> bytes:
    picture = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(picture).line(
        [(20, height - 30), (width // 2, 30), (width - 20, height - 40)], fill="black", width=4
    )
    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def typed(version: ConsentVersion, name: str, *, agree: bool = True) -> dict:
    """What the typed-name form posts (no JavaScript)."""
    return {
        "version": version.pk,
        "method": "typed",
        "typed-typed_name": name,
        **({"typed-agree": "on"} if agree else {}),
    }


def drawn(version: ConsentVersion, drawing: str, *, agree: bool = True) -> dict:
    """What the drawing form posts: signature.js puts the PNG data URL in `drawn-drawing`."""
    return {
        "version": version.pk,
        "method": "drawn",
        "drawn-drawing": drawing,
        **({"drawn-agree": "on"} if agree else {}),
    }
