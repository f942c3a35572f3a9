"""The starting aftercare texts, from shared/domain/aftercare.md. Durations and instruction
windows are the notes' defaults (clinic choice): the clinic edits them in the admin."""

from django.db import migrations

# kind, title, duration, advice, area name or None, ingredient name or None
TOPICS = [
    ("effect", "Redness", "a few hours, up to a day or two",
     "Normal. Cool the skin with a clean cold compress; do not rub.", None, None),
    ("effect", "Swelling", "one to two days, sometimes up to a week",
     "Normal. A cold compress wrapped in a clean cloth helps; sleep with your head slightly raised.", None, None),
    ("effect", "Stinging or burning", "15 minutes to a few hours", "Normal. It fades by itself.", None, None),
    ("effect", "Small bumps at the injection points", "gone within a day", "Normal. Leave them alone.", None, None),
    ("effect", "Pinpoint marks or tiny scabs", "one to two days", "Do not pick them.", None, None),
    ("effect", "Bruising", "about one week, up to two", "Normal. It fades from purple to yellow.", None, None),
    ("effect", "Tenderness", "up to two days", "Normal. Avoid pressing on the area.", None, None),
    ("effect", "Itching", "two to three hours", "Do not scratch; a cold compress helps.", None, None),
    ("effect", "Flaking", "around day 3 or 4", "Use a gentle moisturiser.", None, None),
    ("effect", "Swelling and bruising around the eyes", "often a few days", "The skin there is thin: it takes longer "
     "than elsewhere. Sleep with your head raised the first night.", "Periorbital", None),
    ("effect", "Small scabs on the scalp", "up to a week", "Do not pick them.", "Scalp", None),
    ("effect", "Stronger stinging", "a few hours", "Vitamin C stings more than other ingredients; it fades by itself.",
     None, "Vitamin C (ascorbic acid)"),
    ("instruction", "No make-up on the treated skin", "24 hours", "", None, None),
    ("instruction", "No shower on the treated area", "8 hours", "", None, None),
    ("instruction", "No sauna, steam room, hot bath or hot tub", "72 hours", "", None, None),
    ("instruction", "No sun or sunbed", "48 hours, then sunscreen SPF 30+ for a week",
     "Keep out of the sun until any bruise has faded.", None, None),
    ("instruction", "No sport or heavy sweating", "24 hours", "", None, None),
    ("instruction", "No swimming pool", "72 hours", "", None, None),
    ("instruction", "No alcohol", "48 hours", "", None, None),
    ("instruction", "Do not touch, rub or massage the area", "48 hours", "Touch it only with clean hands.", None, None),
    ("instruction", "No acids, scrubs or active skincare", "3 days", "", None, None),
    ("instruction", "No other treatment on the area (peel, laser, device)", "14 days", "", None, None),
    ("instruction", "Do not pick scabs", "always", "", None, None),
    ("instruction", "Do not wash your hair or use hair products", "24 hours", "", "Scalp", None),
    ("instruction", "No other hair treatment (colouring, perm)", "1 week", "", "Scalp", None),
    ("instruction", "No sport or heavy sweating", "2 to 3 days", "Wear loose clothing over the area.", "Abdomen", None),
    ("instruction", "No sport or heavy sweating", "2 to 3 days", "Wear loose clothing over the area.", "Thighs", None),
    ("warning", "Pain, redness, warmth or swelling that grows instead of fading, pus, fever or chills", "",
     "Call the clinic the same day.", None, None),
    ("warning", "Swelling that lasts more than a week, or a bruise that grows or lasts more than a week", "",
     "Call the clinic.", None, None),
    ("warning", "Hives, swelling of the lips or eyes, wheezing or feeling faint", "",
     "Emergency: call 15 (or 112) at once. Allergic reactions can be life-threatening.", None, None),
    ("warning", "New tender lumps, abscesses or sores, even weeks or up to three months later", "",
     "Call the clinic, and tell any doctor you see that you had mesotherapy: it can be a rare infection that "
     "needs specific treatment.", None, None),
    ("before", "Tell us about any change in your health", "",
     "Pregnancy or breastfeeding, a new medicine (especially blood thinners), an infection, cold sore or wound "
     "where you are treated.", None, None),
    ("before", "Blood-thinning supplements", "a few days before",
     "Ask us whether to pause aspirin, anti-inflammatories, vitamin E, fish oil, ginkgo or garlic supplements that "
     "were not prescribed. Never stop a prescribed medicine without asking the doctor who prescribed it.", None, None),
    ("before", "No alcohol", "24 hours before", "", None, None),
    ("before", "Come without make-up on the area", "", "", None, None),
    ("before", "No peel, laser or other treatment on the area", "2 weeks before", "", None, None),
]


def load_topics(apps, schema_editor):
    AftercareTopic = apps.get_model("treatments", "AftercareTopic")
    TreatmentArea = apps.get_model("treatments", "TreatmentArea")
    Ingredient = apps.get_model("treatments", "Ingredient")
    if AftercareTopic.objects.exists():
        return
    for position, (kind, title, duration, advice, area, ingredient) in enumerate(TOPICS):
        AftercareTopic.objects.create(
            kind=kind,
            title=title,
            duration=duration,
            advice=advice,
            area=TreatmentArea.objects.filter(name=area).first() if area else None,
            ingredient=Ingredient.objects.filter(name=ingredient).first() if ingredient else None,
            position=position,
        )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0006_aftercare")]

    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
