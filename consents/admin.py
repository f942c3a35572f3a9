"""The manager's consent forms: a form's settings keep their history; its wording is a
series of versions, each published once and never changed (a change is a new version, which
starts from a copy of the last one's text)."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consents.models import ConsentForm, ConsentSignature, ConsentVersion
from consents.publishing import publish_version
from treatments.admin import ReadOnlyAdmin

TEXT_FIELDS = ("title_en", "title_fr", "body_en", "body_fr")


class VersionInline(admin.TabularInline):
    model = ConsentVersion
    fields = ["number", "title_en", "published_at", "published_by", "requires_new_signature"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsentForm)
class ConsentFormAdmin(SimpleHistoryAdmin):
    list_display = ["name", "purpose", "validity", "validity_months", "active", "current_version_number"]
    list_filter = ["purpose", "active"]
    search_fields = ["name"]
    filter_horizontal = ["protocols"]
    inlines = [VersionInline]

    @admin.display(description=_("current version"))
    def current_version_number(self, form: ConsentForm) -> int | None:
        version = form.current_version()
        return version.number if version else None

    def has_delete_permission(self, request, obj=None) -> bool:
        # Signatures point at its versions; a form no longer used is set out of use instead.
        return False


class ConsentVersionForm(forms.ModelForm):
    """A new version: both languages are required, since a patient signs in their own."""

    class Meta:
        model = ConsentVersion
        fields = ["form", *TEXT_FIELDS, "requires_new_signature"]
        widgets = {
            "body_en": forms.Textarea(attrs={"rows": 20, "cols": 100}),
            "body_fr": forms.Textarea(attrs={"rows": 20, "cols": 100}),
        }
        labels = {
            "title_en": _("Title in English"),
            "title_fr": _("Title in French"),
            "body_en": _("Text in English"),
            "body_fr": _("Text in French"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The change page shows a version read-only: its form then has no fields.
        for name in TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].required = True
        if "form" in self.fields:
            self.fields["form"].queryset = ConsentForm.objects.filter(active=True)

    def validate_unique(self) -> None:
        # The number is given on publishing, under the form's lock.
        pass


@admin.register(ConsentVersion)
class ConsentVersionAdmin(admin.ModelAdmin):
    form = ConsentVersionForm
    list_display = ["form", "number", "title_en", "published_at", "published_by", "requires_new_signature"]
    list_filter = ["form"]
    readonly_fields = ["number", "published_at", "published_by", "new_version"]

    def get_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return ["form", *TEXT_FIELDS, "requires_new_signature"]
        return ["form", "number", *TEXT_FIELDS, "requires_new_signature", "published_at", "published_by", "new_version"]

    @admin.display(description=_("change the text"))
    def new_version(self, version: ConsentVersion) -> str:
        url = reverse("admin:consents_consentversion_add") + f"?copy={version.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Publish a new version, starting from this one's text"))

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        source = (
            ConsentVersion.objects.filter(pk=request.GET.get("copy") or None).first()
            if request.GET.get("copy", "").isdigit()
            else None
        )
        if source:
            initial.update(
                form=source.form_id,
                requires_new_signature=source.requires_new_signature,
                **{name: getattr(source, name) for name in TEXT_FIELDS},
            )
        return initial

    def has_change_permission(self, request, obj=None) -> bool:
        # Published means signed by someone, perhaps: the change page only shows it.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        published = publish_version(**form.cleaned_data, published_by=request.user)
        obj.pk, obj.number, obj.published_at = published.pk, published.number, published.published_at

    def save_related(self, request, form, formsets, change) -> None:
        pass


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(ReadOnlyAdmin):
    """Signatures are the patients' acts, recorded by the application: shown, never edited."""

    list_display = ["patient", "version", "method", "channel", "signed_at", "withdrawn_at"]
    list_filter = ["method", "channel"]
    list_select_related = ["patient", "version__form"]
    exclude = ["drawing", "document"]
