"""The English the clinic's texts were written in becomes their English column, and the
defaults seeded by earlier migrations get their French, and plain names for patients: the
areas as a patient says them ("Around the eyes", not "Periorbital") and the courses' names on
the plan. A text the clinic changed keeps its English and has no French yet (it then reads
in English until the clinic writes it); running this again changes nothing. Their history
keeps the English and French columns, from here on without the untranslated one."""

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

# English patient name, French patient name, French of the seeded aftercare note.
AREAS = {
    "Abdomen": (
        "Abdomen",
        "Ventre",
        "Portez des vêtements amples sur la zone traitée; les ecchymoses sont fréquentes sur le corps et "
        "disparaissent en deux semaines.",
    ),
    "Décolletage": ("Upper chest", "Décolleté", "Cette peau est souvent au soleil: couvrez-la à l'extérieur."),
    "Face": ("Face", "Visage", ""),
    "Hands": (
        "Backs of the hands",
        "Dos des mains",
        "Portez des gants pour les travaux salissants ou humides le premier jour; évitez l'eau chaude sur le "
        "dos des mains.",
    ),
    "Neck": ("Neck", "Cou", "Évitez les cols serrés et les écharpes sur la peau traitée le premier jour."),
    "Periorbital": ("Around the eyes", "Contour des yeux", ""),
    "Scalp": ("Scalp", "Cuir chevelu", "Évitez pendant une journée les chapeaux qui appuient sur le cuir chevelu."),
    "Thighs": (
        "Thighs",
        "Cuisses",
        "Portez des vêtements amples sur la zone traitée; les ecchymoses sont fréquentes sur le corps et "
        "disparaissent en deux semaines.",
    ),
}
PROTOCOLS = {
    "Body / cellulite": ("Body and cellulite", "Corps et cellulite"),
    "Dark circles": ("Dark circles", "Cernes"),
    "Hair loss": ("Hair loss", "Chute de cheveux"),
    "Melasma (tranexamic acid cocktail)": ("Melasma", "Mélasma"),
    "Skin rejuvenation": ("Skin rejuvenation", "Rajeunissement de la peau"),
}
TITLES = {
    "Tell us about any change in your health": "Signalez-nous tout changement de votre santé",
    "Blood-thinning supplements": "Compléments qui fluidifient le sang",
    "No alcohol": "Pas d'alcool",
    "Come without make-up on the area": "Venez sans maquillage sur la zone",
    "No peel, laser or other treatment on the area": "Pas de peeling, de laser ni d'autre soin sur la zone",
    "Tell us if you take the pill or a hormone treatment, or have ever had a blood clot": (
        "Signalez-nous si vous prenez la pilule ou un traitement hormonal, ou si vous avez déjà eu un caillot sanguin"
    ),
    "Redness": "Rougeur",
    "Swelling": "Gonflement",
    "Stinging or burning": "Picotements ou sensation de brûlure",
    "Small bumps at the injection points": "Petites papules aux points d'injection",
    "Pinpoint marks or tiny scabs": "Petits points ou minuscules croûtes",
    "Bruising": "Ecchymose",
    "Tenderness": "Sensibilité",
    "Itching": "Démangeaisons",
    "Flaking": "Desquamation",
    "Swelling and bruising around the eyes": "Gonflement et ecchymoses autour des yeux",
    "Small scabs on the scalp": "Petites croûtes sur le cuir chevelu",
    "Stronger stinging": "Picotements plus forts",
    "Small raised bumps where the hyaluronic acid was placed": "Petites bosses là où l'acide hyaluronique a été injecté",
    "No make-up on the treated skin": "Pas de maquillage sur la peau traitée",
    "No shower on the treated area": "Pas de douche sur la zone traitée",
    "No sauna, steam room, hot bath or hot tub": "Pas de sauna, de hammam, de bain chaud ni de jacuzzi",
    "No sun or sunbed": "Pas de soleil ni de cabine de bronzage",
    "No sport or heavy sweating": "Pas de sport ni de forte transpiration",
    "No swimming pool": "Pas de piscine",
    "Do not touch, rub or massage the area": "Ne touchez pas, ne frottez pas et ne massez pas la zone",
    "No acids, scrubs or active skincare": "Pas d'acides, de gommages ni de soins actifs",
    "No other treatment on the area (peel, laser, device)": "Pas d'autre soin sur la zone (peeling, laser, appareil)",
    "Do not pick scabs": "Ne grattez pas les croûtes",
    "Do not wash your hair or use hair products": "Ne lavez pas vos cheveux et n'utilisez pas de produits capillaires",
    "No other hair treatment (colouring, perm)": "Pas d'autre soin capillaire (coloration, permanente)",
    "Skin that turns white, grey, blue or mottled, or pain far stronger than expected": (
        "Peau qui devient blanche, grise, bleue ou marbrée, ou douleur bien plus forte que prévu"
    ),
    "Any change in your vision (blurred, dark patches, loss of sight) or pain in an eye": (
        "Tout changement de la vue (vision floue, taches sombres, perte de la vue) ou douleur dans un œil"
    ),
    "With tranexamic acid: pain or swelling in one leg, sudden breathlessness or chest pain": (
        "Avec l'acide tranexamique: douleur ou gonflement d'une jambe, essoufflement soudain ou douleur dans la poitrine"
    ),
    "Pain, redness, warmth or swelling that grows instead of fading, pus, fever or chills": (
        "Douleur, rougeur, chaleur ou gonflement qui augmente au lieu de diminuer, pus, fièvre ou frissons"
    ),
    "Swelling that lasts more than a week, or a bruise that grows or lasts more than a week": (
        "Gonflement qui dure plus d'une semaine, ou ecchymose qui s'étend ou dure plus d'une semaine"
    ),
    "Hives, swelling of the lips or eyes, wheezing or feeling faint": (
        "Urticaire, gonflement des lèvres ou des yeux, respiration sifflante ou malaise"
    ),
    "New tender lumps, abscesses or sores, even weeks or up to three months later": (
        "Nouveaux nodules sensibles, abcès ou plaies, même des semaines et jusqu'à trois mois plus tard"
    ),
}
DURATIONS = {
    "a few days before": "quelques jours avant",
    "24 hours before": "24 heures avant",
    "2 weeks before": "2 semaines avant",
    "a few hours, up to a day or two": "quelques heures, jusqu'à un ou deux jours",
    "one to two days, sometimes up to a week": "un à deux jours, parfois jusqu'à une semaine",
    "15 minutes to a few hours": "15 minutes à quelques heures",
    "gone within a day": "disparaissent en un jour",
    "one to two days": "un à deux jours",
    "about one week, up to two": "environ une semaine, jusqu'à deux",
    "up to two days": "jusqu'à deux jours",
    "two to three hours": "deux à trois heures",
    "around day 3 or 4": "vers le 3e ou le 4e jour",
    "often a few days": "souvent quelques jours",
    "up to a week": "jusqu'à une semaine",
    "a few hours": "quelques heures",
    "a few days": "quelques jours",
    "8 hours": "8 heures",
    "24 hours": "24 heures",
    "48 hours": "48 heures",
    "72 hours": "72 heures",
    "3 days": "3 jours",
    "14 days": "14 jours",
    "1 week": "1 semaine",
    "always": "toujours",
}
ADVICE = {
    "Pregnancy or breastfeeding, a new medicine (especially blood thinners), an infection, cold sore or wound where "
    "you are treated.": (
        "Grossesse ou allaitement, nouveau médicament (surtout un anticoagulant), infection, bouton de fièvre ou "
        "plaie sur la zone à traiter."
    ),
    "Ask us whether to pause aspirin, anti-inflammatories, vitamin E, fish oil, ginkgo or garlic supplements that "
    "were not prescribed. Never stop a prescribed medicine without asking the doctor who prescribed it.": (
        "Demandez-nous s'il faut interrompre l'aspirine, les anti-inflammatoires, la vitamine E, l'huile de poisson, "
        "le ginkgo ou l'ail pris sans ordonnance. N'arrêtez jamais un médicament prescrit sans l'avis du médecin "
        "qui l'a prescrit."
    ),
    "Your cocktail contains tranexamic acid, which helps blood clot.": (
        "Votre cocktail contient de l'acide tranexamique, qui favorise la coagulation du sang."
    ),
    "Normal. Cool the skin with a clean cold compress; do not rub.": (
        "C'est normal. Rafraîchissez la peau avec une compresse froide propre; ne frottez pas."
    ),
    "Normal. A cold compress wrapped in a clean cloth helps; sleep with your head slightly raised.": (
        "C'est normal. Une compresse froide enveloppée dans un linge propre soulage; dormez la tête légèrement "
        "surélevée."
    ),
    "Normal. It fades by itself.": "C'est normal. Cela passe tout seul.",
    "Normal. Leave them alone.": "C'est normal. N'y touchez pas.",
    "Do not pick them.": "Ne les grattez pas.",
    "Normal. It fades from purple to yellow.": "C'est normal. Elle passe du violet au jaune.",
    "Normal. Avoid pressing on the area.": "C'est normal. Évitez d'appuyer sur la zone.",
    "Do not scratch; a cold compress helps.": "Ne vous grattez pas; une compresse froide soulage.",
    "Use a gentle moisturiser.": "Utilisez une crème hydratante douce.",
    "The skin there is thin: it takes longer than elsewhere. Sleep with your head raised the first night.": (
        "La peau y est fine: cela dure plus longtemps qu'ailleurs. Dormez la tête surélevée la première nuit."
    ),
    "Vitamin C stings more than other ingredients; it fades by itself.": (
        "La vitamine C pique davantage que les autres ingrédients; cela passe tout seul."
    ),
    "Normal. If a bump or a bluish tinge is still there after two weeks, call us: it can be dissolved.": (
        "C'est normal. Si une bosse ou une teinte bleutée est encore là après deux semaines, appelez-nous: elle "
        "peut être dissoute."
    ),
    "Keep out of the sun until any bruise has faded, then use sunscreen SPF 30+ on it for a week.": (
        "Évitez le soleil jusqu'à ce que toute ecchymose ait disparu, puis protégez-la avec un écran solaire "
        "SPF 30+ pendant une semaine."
    ),
    "Touch it only with clean hands.": "Ne la touchez qu'avec des mains propres.",
    "Wear loose clothing over the area.": "Portez des vêtements amples sur la zone.",
    "Call the clinic at once, day or night: a blood vessel may be blocked, and it must be treated within hours.": (
        "Appelez la clinique immédiatement, de jour comme de nuit: un vaisseau sanguin est peut-être bouché, et "
        "cela doit être traité dans les heures qui suivent."
    ),
    "Call the clinic at once, day or night: the hyaluronic acid may be blocking a blood vessel; it can be "
    "dissolved, and the sooner the better.": (
        "Appelez la clinique immédiatement, de jour comme de nuit: l'acide hyaluronique bouche peut-être un "
        "vaisseau sanguin; il peut être dissous, et le plus tôt sera le mieux."
    ),
    "Emergency: call 15 (or 112) at once, then the clinic.": (
        "Urgence: appelez immédiatement le 15 (ou le 112), puis la clinique."
    ),
    "Emergency: call 15 (or 112). Tranexamic acid helps blood clot; a clot is very unlikely at the doses injected "
    "into the skin, but these signs cannot wait.": (
        "Urgence: appelez le 15 (ou le 112). L'acide tranexamique favorise la coagulation du sang; un caillot est "
        "très peu probable aux doses injectées dans la peau, mais ces signes ne peuvent pas attendre."
    ),
    "Call the clinic the same day.": "Appelez la clinique le jour même.",
    "Call the clinic.": "Appelez la clinique.",
    "Emergency: call 15 (or 112) at once. Allergic reactions can be life-threatening.": (
        "Urgence: appelez immédiatement le 15 (ou le 112). Les réactions allergiques peuvent mettre la vie en danger."
    ),
    "Call the clinic, and tell any doctor you see that you had mesotherapy: it can be a rare infection that needs "
    "specific treatment.": (
        "Appelez la clinique, et dites à tout médecin que vous consultez que vous avez eu une mésothérapie: il peut "
        "s'agir d'une infection rare qui demande un traitement spécifique."
    ),
}


HISTORY_COLUMNS = {
    "aftercaretopic": ("title", "duration", "advice"),
    "protocol": ("patient_name",),
    "treatmentarea": ("patient_name", "aftercare_notes"),
}


def checked_at_once(schema_editor):
    """On PostgreSQL, foreign keys checked as each row is written: the columns this migration
    removes after its rows must not find checks still pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def english_columns(apps, schema_editor):
    """Each text's English column holds what it said (its history's rows too)."""
    checked_at_once(schema_editor)
    for name, fields in (
        ("AftercareTopic", ("title", "duration", "advice")),
        ("TreatmentArea", ("aftercare_notes",)),
    ):
        for model in (apps.get_model("treatments", name), apps.get_model("treatments", f"Historical{name}")):
            model.objects.filter(**{f"{fields[0]}_en__isnull": True}).update(
                **{f"{field}_en": F(field) for field in fields}
            )


def untranslated_history_columns(apps, schema_editor):
    """Going back: the history's untranslated columns, added again, say what the English said."""
    checked_at_once(schema_editor)
    for name, fields in HISTORY_COLUMNS.items():
        model = apps.get_model("treatments", f"historical{name}")
        model.objects.filter(**{f"{fields[0]}_en__isnull": False}).update(
            **{field: F(f"{field}_en") for field in fields}
        )


def keep_in_history(apps, row) -> None:
    """The row as it now reads, French included, as a change in its history."""
    history = apps.get_model("treatments", f"Historical{type(row).__name__}")
    history.objects.create(
        **{field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields},
        history_date=timezone.now(),
        history_type="~",
        history_change_reason="French texts and names for patients",
    )


def french_defaults(apps, schema_editor):
    checked_at_once(schema_editor)
    AftercareTopic = apps.get_model("treatments", "AftercareTopic")
    TreatmentArea = apps.get_model("treatments", "TreatmentArea")
    Protocol = apps.get_model("treatments", "Protocol")
    SEEDED_NOTES = {
        "Abdomen": "Wear loose clothing over the treated area; bruising on the body is common and fades within two weeks.",
        "Décolletage": "This skin is often in the sun: keep it covered outdoors.",
        "Hands": "Wear gloves for rough or wet work for the first day; avoid hot water on the backs of the hands.",
        "Neck": "Avoid tight collars and scarves on the treated skin for the first day.",
        "Scalp": "Avoid hats that press on the scalp for a day.",
        "Thighs": "Wear loose clothing over the treated area; bruising on the body is common and fades within two weeks.",
    }
    for area in TreatmentArea.objects.all():
        english, french, french_note = AREAS.get(area.name, (area.name, "", ""))
        area.patient_name = area.patient_name_en = area.patient_name_en or english
        area.patient_name_fr = area.patient_name_fr or french or None
        if not area.aftercare_notes_fr and area.aftercare_notes_en == SEEDED_NOTES.get(area.name):
            area.aftercare_notes_fr = french_note
        area.save(update_fields=["patient_name", "patient_name_en", "patient_name_fr", "aftercare_notes_fr"])
        keep_in_history(apps, area)
    for protocol in Protocol.objects.all():
        english, french = PROTOCOLS.get(protocol.name, ("", ""))
        protocol.patient_name = protocol.patient_name_en = protocol.patient_name_en or english
        protocol.patient_name_fr = protocol.patient_name_fr or french
        protocol.save(update_fields=["patient_name", "patient_name_en", "patient_name_fr"])
        keep_in_history(apps, protocol)
    for topic in AftercareTopic.objects.all():
        topic.title_fr = topic.title_fr or TITLES.get(topic.title_en) or None
        topic.duration_fr = topic.duration_fr or DURATIONS.get(topic.duration_en) or ""
        topic.advice_fr = topic.advice_fr or ADVICE.get(topic.advice_en) or ""
        topic.save(update_fields=["title_fr", "duration_fr", "advice_fr"])
        keep_in_history(apps, topic)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0028_texts_in_both_languages")]

    operations = [
        migrations.RunPython(english_columns, untranslated_history_columns),
        migrations.RunPython(french_defaults, migrations.RunPython.noop),
        # Going back adds them again to rows that exist: empty first, then filled from the English.
        migrations.AlterField("historicaltreatmentarea", "patient_name", models.CharField(max_length=80, blank=True)),
        migrations.AlterField("historicalaftercaretopic", "title", models.CharField(max_length=120, blank=True)),
        # The history keeps each language's column; the untranslated one only mirrored the English.
        *(
            migrations.RemoveField(model_name=f"historical{model}", name=field)
            for model, fields in HISTORY_COLUMNS.items()
            for field in fields
        ),
    ]
