"""What a patient posts to sign, on the tablet and in the portal: a typed full name, or a
signature drawn on the screen (static/js/signature.js puts the drawing's PNG into a hidden
field as a data URL). Both tick the agreement.

The typed way is a plain form: it works without JavaScript and by keyboard. Here the drawing
is only decoded; whether it is a PNG of sensible size is consents.signing's to say.
"""

import base64
import binascii

from django import forms
from django.utils.translation import gettext_lazy as _

from consents.models import ConsentSignature

PNG_DATA_URL = "data:image/png;base64,"
# A PNG of signing.sign's 200 KB limit is about 270,000 characters in base64; anything much
# longer is refused before it is decoded.
LONGEST_DRAWING = 400_000


class AgreementForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read this form and I agree to it."),
        error_messages={"required": _("Tick the box to say that you have read the form and agree to it.")},
    )


class TypedSignatureForm(AgreementForm):
    method = ConsentSignature.Method.TYPED
    prefix = "typed"

    typed_name = forms.CharField(
        label=_("Your full name"),
        max_length=201,
        help_text=_("First name and last name, as the clinic knows you."),
        error_messages={"required": _("Type your full name to sign.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words", "spellcheck": "false"}),
    )

    field_order = ["typed_name", "agree"]

    def signing(self) -> dict:
        return {"method": self.method, "typed_name": self.cleaned_data["typed_name"]}


class DrawnSignatureForm(AgreementForm):
    method = ConsentSignature.Method.DRAWN
    prefix = "drawn"

    drawing = forms.CharField(
        widget=forms.HiddenInput,
        max_length=LONGEST_DRAWING,
        error_messages={
            "required": _("Draw your signature in the box, or type your name below."),
            "max_length": _("This signature is too large to keep. Please clear it and sign again."),
        },
    )

    def clean_drawing(self) -> bytes:
        data = self.cleaned_data["drawing"]
        unreadable = forms.ValidationError(
            _("This signature could not be read. Please clear it and sign again, or type your name."),
            code="unreadable",
        )
        if not data.startswith(PNG_DATA_URL):
            raise unreadable
        try:
            return base64.b64decode(data.removeprefix(PNG_DATA_URL), validate=True)
        except (binascii.Error, ValueError):
            raise unreadable from None

    def signing(self) -> dict:
        return {"method": self.method, "drawing": self.cleaned_data["drawing"]}


def signature_forms(data=None) -> tuple[DrawnSignatureForm, TypedSignatureForm, AgreementForm | None]:
    """Both forms of a signing page, and the one posted (bound) if `data` is a POST."""
    method = (data or {}).get("method")
    drawn = DrawnSignatureForm(data if method == ConsentSignature.Method.DRAWN else None)
    typed = TypedSignatureForm(data if method == ConsentSignature.Method.TYPED else None)
    posted = {drawn.method: drawn, typed.method: typed}.get(method) if data is not None else None
    return drawn, typed, posted
