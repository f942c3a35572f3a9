"""Allergies point at allergens instead of ingredients. Every catalogue ingredient becomes
an allergen of its own (same name, containing it); the allergens beyond the cocktails are
seeded with their sources; each allergy and each line of its history moves to its
ingredient's allergen. The free text "other allergies" already on records is read as it
will be on each save: an entry naming an allergen becomes an allergy to it, any other an
unverified allergy that blocks until a dermatologist resolves it."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from treatments.models.allergies import allergen_keys, allergy_key, typed_entries

SOURCES = "Sources: the product's SmPC (base de données publique des médicaments, ANSM)"
# name, other names, notes, catalogue ingredients containing it (their names contain this)
ALLERGENS = [
    (
        "Lidocaine",
        "lignocaine, xylocaine, lidocaine hydrochloride",
        "Amide local anaesthetic: anaesthetic creams, and ampoules some clinics add to cocktails. "
        "Cross-reaction with other amides is rare. " + SOURCES + " (Xylocaine).",
        [],
    ),
    (
        "Procaine",
        "novocaine, procaine hydrochloride",
        "Ester local anaesthetic, historically mixed into mesotherapy cocktails; cross-reacts with other "
        "esters (benzocaine, tetracaine) and para-aminobenzoic acid. " + SOURCES + " (procaine).",
        [],
    ),
    (
        "Mepivacaine",
        "carbocaine, scandicaine, scandonest",
        "Amide local anaesthetic (dental and infiltration). " + SOURCES + " (mepivacaine).",
        [],
    ),
    (
        "Articaine",
        "septanest, ubistesin, alphacaine",
        "Amide local anaesthetic (dental); its cartridges may contain sulfites. " + SOURCES + " (articaine).",
        [],
    ),
    (
        "Latex",
        "natural rubber latex, rubber, natural rubber",
        "Gloves, vial stoppers, tourniquets: treat with latex-free material. Source: ANSM and SFAR "
        "guidance on latex allergy in care.",
        [],
    ),
    (
        "Chlorhexidine",
        "chlorhexidine gluconate, chlorhexidine digluconate, hibitane, hibiscrub, biseptine",
        "Skin antiseptic before injection; anaphylaxis reported. Source: ANSM and MHRA drug safety "
        "update on chlorhexidine (2019).",
        [],
    ),
    (
        "Povidone-iodine",
        "povidone iodine, polyvidone iodine, betadine, iodine",
        "Skin antiseptic; an allergy typed as 'iodine' usually means this. " + SOURCES + " (Betadine).",
        [],
    ),
    (
        "Salicylates",
        "salicylic acid, salicylate, aspirin, acetylsalicylic acid",
        "Organic silicon is monomethylsilanetriol salicylate: exclude it in a salicylic-acid allergy. "
        "Source: the clinic's domain catalogue (catalog.md, source 13; contraindications.md, source 12).",
        ["salicylate"],
    ),
    (
        "Parabens",
        "paraben, methylparaben, propylparaben, methyl parahydroxybenzoate, E218",
        "Preservatives of multi-dose vials and some local anaesthetics. " + SOURCES + ".",
        [],
    ),
    (
        "Benzyl alcohol",
        "E1519",
        "Preservative of multi-dose vials and bacteriostatic saline. " + SOURCES + ".",
        [],
    ),
]
# Other names of catalogue ingredients' own allergens, beyond what their names say.
OWN_ALLERGEN_NAMES = {"Vitamin C (ascorbic acid)": "vitamin C, ascorbic acid, ascorbate"}


def history_of(apps, model_name, row, fields, when, history_type="+", user_id=None):
    apps.get_model("treatments", f"Historical{model_name}").objects.create(
        id=row.pk,
        history_date=when,
        history_type=history_type,
        history_user_id=user_id,
        **{field: getattr(row, field) for field in fields},
    )


def checked_at_once(schema_editor):
    """On PostgreSQL, foreign keys checked as each row is written: the columns this migration
    alters after its rows must not find checks still pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def to_allergens(apps, schema_editor):
    checked_at_once(schema_editor)
    Ingredient = apps.get_model("treatments", "Ingredient")
    Allergen = apps.get_model("treatments", "Allergen")
    Allergy = apps.get_model("treatments", "Allergy")
    HistoricalAllergy = apps.get_model("treatments", "HistoricalAllergy")
    Patient = apps.get_model("patients", "Patient")
    UnverifiedAllergy = apps.get_model("treatments", "UnverifiedAllergy")
    now = timezone.now()
    allergen_fields = ["name", "also_known_as", "notes", "active", "own_ingredient_id"]

    own = {}
    for ingredient in Ingredient.objects.order_by("pk"):
        allergen = Allergen.objects.create(
            name=ingredient.name, also_known_as=OWN_ALLERGEN_NAMES.get(ingredient.name, ""), own_ingredient=ingredient
        )
        allergen.ingredients.add(ingredient)
        history_of(apps, "Allergen", allergen, allergen_fields, now)
        own[ingredient.pk] = allergen
    for name, other_names, notes, contained in ALLERGENS:
        allergen, created = Allergen.objects.get_or_create(name=name)
        if not created:
            continue  # a clinic's own ingredient of that name already made it
        allergen.also_known_as, allergen.notes = other_names, notes
        allergen.save()
        for part in contained:
            allergen.ingredients.add(*Ingredient.objects.filter(name__icontains=part))
        history_of(apps, "Allergen", allergen, allergen_fields, now)

    for allergy in Allergy.objects.all():
        allergy.allergen = own[allergy.ingredient_id]
        allergy.save(update_fields=["allergen"])
    for ingredient_id, allergen in own.items():
        HistoricalAllergy.objects.filter(ingredient_id=ingredient_id).update(allergen=allergen)

    by_key = {}
    for allergen in Allergen.objects.order_by("name"):
        for key in allergen_keys(allergen.name, allergen.also_known_as):
            by_key.setdefault(key, allergen)
    for patient in Patient.objects.exclude(allergies=""):
        for entry in typed_entries(patient.allergies):
            allergen = by_key.get(allergy_key(entry))
            if allergen is not None:
                allergy, created = Allergy.objects.get_or_create(patient=patient, allergen=allergen)
                if created:
                    history_of(
                        apps, "Allergy", allergy, ["patient_id", "allergen_id", "recorded_by_id", "recorded_at"], now
                    )
            else:
                unverified, created = UnverifiedAllergy.objects.get_or_create(
                    patient=patient, key=allergy_key(entry), defaults={"text": entry[:200]}
                )
                if created:
                    history_of(
                        apps,
                        "UnverifiedAllergy",
                        unverified,
                        ["patient_id", "text", "key", "created_at", "status"],
                        now,
                    )


def to_ingredients(apps, schema_editor):
    """Back: each allergy to an ingredient's own allergen points at the ingredient again; the
    others (allergens beyond the catalogue) had no place before and go."""
    checked_at_once(schema_editor)
    Allergy = apps.get_model("treatments", "Allergy")
    HistoricalAllergy = apps.get_model("treatments", "HistoricalAllergy")
    Allergy.objects.filter(allergen__own_ingredient__isnull=True).delete()
    for allergy in Allergy.objects.select_related("allergen"):
        allergy.ingredient_id = allergy.allergen.own_ingredient_id
        allergy.save(update_fields=["ingredient"])
    Allergen = apps.get_model("treatments", "Allergen")
    for allergen in Allergen.objects.filter(own_ingredient__isnull=False):
        HistoricalAllergy.objects.filter(allergen_id=allergen.pk).update(ingredient_id=allergen.own_ingredient_id)
    HistoricalAllergy.objects.filter(ingredient__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0011_clinical_defaults_history"),
        ("treatments", "0023_sign_off"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name="ingredient",
            name="allergic_patients",
        ),
        migrations.AlterField(
            model_name="allergy",
            name="ingredient",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="treatments.ingredient"
            ),
        ),
        migrations.CreateModel(
            name="Allergen",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True)),
                (
                    "also_known_as",
                    models.CharField(
                        blank=True,
                        help_text="Other names it is typed as, separated by commas (e.g. xylocaine for lidocaine).",
                        max_length=300,
                    ),
                ),
                ("notes", models.TextField(blank=True, help_text="Where it is found, and the source.")),
                (
                    "active",
                    models.BooleanField(
                        default=True, help_text="Inactive allergens are not offered for new allergies."
                    ),
                ),
                (
                    "ingredients",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The catalogue ingredients that are or contain it: cocktails with these are refused.",
                        related_name="allergens",
                        to="treatments.ingredient",
                    ),
                ),
                (
                    "own_ingredient",
                    models.OneToOneField(
                        blank=True,
                        help_text="The ingredient this allergen is, when it is one.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="own_allergen",
                        to="treatments.ingredient",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="allergy",
            name="allergen",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="treatments.allergen"
            ),
        ),
        migrations.AddField(
            model_name="historicalallergy",
            name="allergen",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="treatments.allergen",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalAllergen",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(db_index=True, max_length=120)),
                (
                    "also_known_as",
                    models.CharField(
                        blank=True,
                        help_text="Other names it is typed as, separated by commas (e.g. xylocaine for lidocaine).",
                        max_length=300,
                    ),
                ),
                ("notes", models.TextField(blank=True, help_text="Where it is found, and the source.")),
                (
                    "active",
                    models.BooleanField(
                        default=True, help_text="Inactive allergens are not offered for new allergies."
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "own_ingredient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The ingredient this allergen is, when it is one.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="treatments.ingredient",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical allergen",
                "verbose_name_plural": "historical allergens",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAllergen_ingredients",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "allergen",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="treatments.allergen",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="treatments.historicalallergen",
                    ),
                ),
                (
                    "ingredient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="treatments.ingredient",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalAllergen_ingredients",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalUnverifiedAllergy",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("text", models.CharField(max_length=200, verbose_name="as typed")),
                ("key", models.CharField(editable=False, max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "To resolve"),
                            ("linked", "Linked to the catalogue"),
                            ("not_relevant", "Not relevant"),
                            ("withdrawn", "No longer on the record"),
                        ],
                        default="pending",
                        max_length=12,
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=500, verbose_name="why it is not relevant")),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "allergen",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="treatments.allergen",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="patients.patient",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical unverified allergy",
                "verbose_name_plural": "historical unverified allergies",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="UnverifiedAllergy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(max_length=200, verbose_name="as typed")),
                ("key", models.CharField(editable=False, max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "To resolve"),
                            ("linked", "Linked to the catalogue"),
                            ("not_relevant", "Not relevant"),
                            ("withdrawn", "No longer on the record"),
                        ],
                        default="pending",
                        max_length=12,
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=500, verbose_name="why it is not relevant")),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "allergen",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="treatments.allergen",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="patients.patient"
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "unverified allergies",
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("patient", "key"), name="unverified_allergy_once_per_entry"),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "linked"), _negated=True), ("allergen__isnull", False), _connector="OR"
                        ),
                        name="unverified_allergy_linked_to_an_allergen",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "not_relevant"), _negated=True),
                            models.Q(("reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="unverified_allergy_not_relevant_with_reason",
                    ),
                ],
            },
        ),
        migrations.RunPython(to_allergens, to_ingredients, elidable=False),
        migrations.AlterModelOptions(
            name="allergy",
            options={"ordering": ["allergen__name"], "verbose_name_plural": "allergies"},
        ),
        migrations.AlterModelOptions(
            name="historicalallergy",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical allergy",
                "verbose_name_plural": "historical allergies",
            },
        ),
        migrations.RemoveConstraint(
            model_name="allergy",
            name="allergy_once_per_ingredient",
        ),
        migrations.RemoveField(
            model_name="allergy",
            name="ingredient",
        ),
        migrations.RemoveField(
            model_name="historicalallergy",
            name="ingredient",
        ),
        migrations.AddField(
            model_name="allergen",
            name="allergic_patients",
            field=models.ManyToManyField(
                blank=True, related_name="allergens", through="treatments.Allergy", to="patients.patient"
            ),
        ),
        migrations.AlterField(
            model_name="allergy",
            name="allergen",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="treatments.allergen"
            ),
        ),
        migrations.AddConstraint(
            model_name="allergy",
            constraint=models.UniqueConstraint(fields=("patient", "allergen"), name="allergy_once_per_allergen"),
        ),
    ]
