"""The clinic's first consent forms, in English and French: the mesotherapy treatment consent
(every course) and the three photo consents, one per use.

Every version names who published it. The seeds are published by the application's own
account, "mesoplan-system", which cannot sign in (inactive, no usable password): a nullable
publisher would leave the manager's later versions free to name nobody, and the same account
records the paper consents that patients 0015's dates become when no one was on record.

The treatment consent's facts come from the clinic's domain notes (aftercare, contraindications,
catalogue); its validity of 12 months is the clinic's choice, edited in the admin."""

from django.db import migrations
from django.utils import timezone

SYSTEM_USERNAME = "mesoplan-system"

TREATMENT_EN = """Mesotherapy is a course of sessions in which a dermatologist injects small amounts of a cocktail into the middle layer of the skin (the dermis) with fine needles. The cocktail is chosen for you by the dermatologist, from vitamins, minerals and trace elements, amino acids and non-cross-linked hyaluronic acid, for the indication we discussed. The dermatologist explained which ingredients and why, and the number and spacing of the sessions.

What to expect after a session: stinging or burning during and shortly after the injections; redness for a few hours, sometimes up to two days; small bumps at each injection point that settle within a day; tiny marks or scabs for one or two days (up to a week on the scalp); some swelling for one or two days, longer under the eyes; small bruises, which may take one to two weeks to fade; tenderness or itching for a short time.

Rare risks: an allergic reaction to an ingredient (hives, swelling of the lips or eyes, difficulty breathing, faintness), which is an emergency; infection at the injection points, including an infection by atypical mycobacteria that shows as tender lumps or sores appearing weeks, up to about three months, after a session and needs long specialist treatment; small painless lumps that may take a few weeks to go; marks of darker skin after inflammation, more likely on darker skin types; a bluish shade if hyaluronic acid lies too close to the surface. Results vary from person to person and are not guaranteed.

Before treatment I have told the dermatologist about pregnancy or breastfeeding, blood thinners or a bleeding disorder, allergies, autoimmune disease, cold sores, a tendency to keloid scars, isotretinoin taken in the last months, recent laser, peels or surgery, and any other illness or medicine. I will tell the clinic if any of this changes.

Alternatives: no treatment; skin care at home; other procedures the dermatologist can discuss with me, each with its own benefits and risks.

I will follow the aftercare sheet given after each session, and call the clinic if pain, redness, warmth or swelling grows instead of fading, if a bruise or swelling lasts more than a week, or if lumps or sores appear in the following weeks.

I may withdraw this consent at any time, without giving a reason and without it affecting my care; treatment then stops.

I have read this information, I was able to ask my questions and received answers I understood, and I agree to mesotherapy treatment at this clinic."""

TREATMENT_FR = """La mésothérapie est une cure de séances au cours desquelles un dermatologue injecte, avec de fines aiguilles, de petites quantités d'un mélange dans la couche moyenne de la peau (le derme). Le mélange est choisi pour vous par le dermatologue parmi des vitamines, des minéraux et oligo-éléments, des acides aminés et de l'acide hyaluronique non réticulé, selon l'indication dont nous avons parlé. Le dermatologue vous a expliqué quels ingrédients et pourquoi, ainsi que le nombre de séances et leur espacement.

Après une séance : picotements ou sensation de brûlure pendant et peu après les injections ; rougeur pendant quelques heures, parfois jusqu'à deux jours ; petites papules à chaque point d'injection, qui disparaissent en une journée ; petites marques ou croûtes pendant un à deux jours (jusqu'à une semaine sur le cuir chevelu) ; léger gonflement pendant un à deux jours, plus long sous les yeux ; petits bleus, qui peuvent mettre une à deux semaines à s'estomper ; sensibilité ou démangeaisons pendant peu de temps.

Risques rares : une réaction allergique à un ingrédient (urticaire, gonflement des lèvres ou des yeux, gêne respiratoire, malaise), qui est une urgence ; une infection aux points d'injection, dont une infection à mycobactéries atypiques qui se manifeste par des nodules ou plaies sensibles apparaissant des semaines, jusqu'à environ trois mois, après une séance et demande un long traitement spécialisé ; de petites boules indolores qui peuvent mettre quelques semaines à disparaître ; des taches plus foncées après une inflammation, plus fréquentes sur les peaux foncées ; une teinte bleutée si l'acide hyaluronique est trop proche de la surface. Les résultats varient d'une personne à l'autre et ne sont pas garantis.

Avant le traitement, j'ai informé le dermatologue d'une grossesse ou d'un allaitement, d'un traitement anticoagulant ou d'un trouble de la coagulation, d'allergies, d'une maladie auto-immune, de boutons de fièvre, d'une tendance aux cicatrices chéloïdes, d'isotrétinoïne prise ces derniers mois, de laser, peeling ou chirurgie récents, et de toute autre maladie ou tout autre médicament. Je préviendrai la clinique si l'un de ces points change.

Autres possibilités : ne pas faire de traitement ; des soins de la peau à la maison ; d'autres actes dont le dermatologue peut me parler, chacun avec ses bénéfices et ses risques.

Je suivrai la fiche de conseils remise après chaque séance et j'appellerai la clinique si la douleur, la rougeur, la chaleur ou le gonflement augmentent au lieu de diminuer, si un bleu ou un gonflement dure plus d'une semaine, ou si des boules ou des plaies apparaissent dans les semaines qui suivent.

Je peux retirer ce consentement à tout moment, sans avoir à me justifier et sans conséquence sur ma prise en charge ; le traitement s'arrête alors.

J'ai lu ces informations, j'ai pu poser mes questions et j'ai reçu des réponses que j'ai comprises, et j'accepte un traitement par mésothérapie dans cette clinique."""

PHOTO_COMMON_EN = """The photos are taken at the clinic, kept in the clinic's records and never shared with anyone beyond this use. Agreeing is optional: refusing changes nothing to your care. You may withdraw this consent at any time; photos then stop being used for this purpose from that day on."""

PHOTO_COMMON_FR = """Les photos sont prises à la clinique, conservées dans son dossier et ne sont jamais partagées au-delà de cet usage. Accepter est facultatif : refuser ne change rien à votre prise en charge. Vous pouvez retirer ce consentement à tout moment ; les photos cessent alors d'être utilisées à cette fin à partir de ce jour."""

FORMS = [
    {
        "name": "Mesotherapy treatment",
        "purpose": "treatment",
        # Clinic choice: the notes give no period; the manager changes it in the admin.
        "validity": "months",
        "validity_months": 12,
        "title_en": "Consent to mesotherapy treatment",
        "title_fr": "Consentement au traitement par mésothérapie",
        "body_en": TREATMENT_EN,
        "body_fr": TREATMENT_FR,
    },
    {
        "name": "Photos for the clinical record",
        "purpose": "photos_record",
        "validity": "once",
        "validity_months": None,
        "title_en": "Consent to photos for my clinical record",
        "title_fr": "Consentement aux photos pour mon dossier médical",
        "body_en": "I agree that the clinic takes photos of the treated areas before, during and after my course, to follow the results and any reaction in my clinical record. Only the staff caring for me see them.\n\n"
        + PHOTO_COMMON_EN,
        "body_fr": "J'accepte que la clinique photographie les zones traitées avant, pendant et après ma cure, pour suivre les résultats et toute réaction dans mon dossier médical. Seuls les soignants qui me suivent les voient.\n\n"
        + PHOTO_COMMON_FR,
    },
    {
        "name": "Anonymised photos for teaching",
        "purpose": "photos_teaching",
        "validity": "once",
        "validity_months": None,
        "title_en": "Consent to anonymised photos for teaching",
        "title_fr": "Consentement aux photos anonymisées pour l'enseignement",
        "body_en": "I agree that photos of the treated areas, cropped so that I cannot be recognised and without my name, are shown to doctors and students for teaching and in professional talks or publications.\n\n"
        + PHOTO_COMMON_EN,
        "body_fr": "J'accepte que des photos des zones traitées, recadrées pour que l'on ne puisse pas me reconnaître et sans mon nom, soient montrées à des médecins et des étudiants pour l'enseignement et lors de conférences ou publications professionnelles.\n\n"
        + PHOTO_COMMON_FR,
    },
    {
        "name": "Photos for the clinic's communication",
        "purpose": "photos_marketing",
        "validity": "once",
        "validity_months": None,
        "title_en": "Consent to photos for the clinic's communication",
        "title_fr": "Consentement aux photos pour la communication de la clinique",
        "body_en": "I agree that the clinic shows photos of my treated areas, where I may be recognised, on its website, social media and brochures to present its treatments. My name is never given.\n\n"
        + PHOTO_COMMON_EN,
        "body_fr": "J'accepte que la clinique montre des photos des zones traitées, où l'on peut me reconnaître, sur son site, ses réseaux sociaux et ses brochures pour présenter ses traitements. Mon nom n'est jamais indiqué.\n\n"
        + PHOTO_COMMON_FR,
    },
]


def system_user(apps):
    User = apps.get_model("clinic", "User")
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Mesoplan", "is_active": False, "password": "!"},
    )
    return user


def seed(apps, schema_editor):
    ConsentForm = apps.get_model("consents", "ConsentForm")
    ConsentVersion = apps.get_model("consents", "ConsentVersion")
    HistoricalConsentForm = apps.get_model("consents", "HistoricalConsentForm")
    publisher = system_user(apps)
    now = timezone.now()
    for seed_form in FORMS:
        form = ConsentForm.objects.create(
            name=seed_form["name"],
            purpose=seed_form["purpose"],
            validity=seed_form["validity"],
            validity_months=seed_form["validity_months"],
            indications=[],
        )
        ConsentVersion.objects.create(
            form=form,
            number=1,
            title=seed_form["title_en"],
            title_en=seed_form["title_en"],
            title_fr=seed_form["title_fr"],
            body=seed_form["body_en"],
            body_en=seed_form["body_en"],
            body_fr=seed_form["body_fr"],
            requires_new_signature=True,
            published_at=now,
            published_by=publisher,
        )
        # The history starts with the seeded row, so a later edit shows what it changed.
        HistoricalConsentForm.objects.create(
            id=form.id,
            name=form.name,
            purpose=form.purpose,
            indications=form.indications,
            validity=form.validity,
            validity_months=form.validity_months,
            active=True,
            history_date=now,
            history_type="+",
            history_user=publisher,
        )


def unseed(apps, schema_editor):
    ConsentForm = apps.get_model("consents", "ConsentForm")
    names = [seed_form["name"] for seed_form in FORMS]
    apps.get_model("consents", "ConsentVersion").objects.filter(form__name__in=names).delete()
    apps.get_model("consents", "HistoricalConsentForm").objects.filter(name__in=names).delete()
    ConsentForm.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0001_initial"),
        ("clinic", "0004_labels_in_both_languages"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
