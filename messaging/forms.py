from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.rendering import template_error


class ChannelChoicesForm(forms.Form):
    reminders = forms.BooleanField(label=_("Send reminders"), required=False)
    sms = forms.BooleanField(label=_("Also by text message"), required=False)
    # When the choices the form shows were last changed (ChoicesChanged).
    seen_changed_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)


class MessageTemplateForm(forms.ModelForm):
    """Refuses a subject or body that would not render, next to its field, in either language."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or getattr(self.instance, "kind", "")
        if not kind:
            return cleaned
        for name in ("subject_en", "subject_fr", "body_en", "body_fr"):
            if cleaned.get(name):
                error = template_error(cleaned[name], kind=kind, language=name[-2:])
                if error:
                    self.add_error(name, error)
        return cleaned
