"""A recall matches a lot number exactly once normalised (case, spaces and dashes ignored):
each recorded lot gets its normalised copy, by the same function that fills it on save."""

from django.db import migrations, models

from treatments.models.products import normalised_lot_number


def normalise_recorded_lots(apps, schema_editor):
    SessionLot = apps.get_model("treatments", "SessionLot")
    # One distinct spelling at a time: a clinic has far fewer lots than rows recording them.
    for lot_number in SessionLot.objects.values_list("lot_number", flat=True).distinct().order_by():
        SessionLot.objects.filter(lot_number=lot_number).update(
            normalised_lot_number=normalised_lot_number(lot_number)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('treatments', '0021_reactions_and_adverse_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='sessionlot',
            name='normalised_lot_number',
            field=models.TextField(db_index=True, default='', editable=False),
        ),
        # Going back drops the column: nothing to undo.
        migrations.RunPython(normalise_recorded_lots, migrations.RunPython.noop, elidable=False),
    ]
