"""Publishing a consent form's new wording: a new version, never an edit of the old one, so
every signature keeps pointing at the text the patient read."""

from django.db import transaction
from django.db.models import Max

from clinic.models import User
from consents.models import ConsentForm, ConsentVersion


def publish_version(
    *,
    form: ConsentForm,
    title_en: str,
    title_fr: str,
    body_en: str,
    body_fr: str,
    requires_new_signature: bool,
    published_by: User,
) -> ConsentVersion:
    """The form's next version, in both languages. Two managers publishing at once queue on
    the form's row and get consecutive numbers."""
    with transaction.atomic():
        form = ConsentForm.objects.select_for_update().get(pk=form.pk)
        number = (form.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = ConsentVersion(
            form=form,
            number=number,
            title_en=title_en,
            title_fr=title_fr,
            body_en=body_en,
            body_fr=body_fr,
            requires_new_signature=requires_new_signature,
            published_by=published_by,
        )
        version.full_clean()
        version.save(force_insert=True)
    return version
