from django.db import migrations


def copy_bookings_to_sessions(apps, schema_editor):
    """A booked session now keeps when and with whom it is booked (treatments 0010 added the
    columns); fill them from its live appointment. A session marked booked without one goes
    back to planned, as cancelling its appointment would have done."""
    Appointment = apps.get_model("scheduling", "Appointment")
    TreatmentSession = apps.get_model("treatments", "TreatmentSession")
    live = Appointment.objects.filter(status__in=["booked", "checked_in", "done"], session__isnull=False)
    booked = {appointment.session_id: appointment for appointment in live}
    for session in TreatmentSession.objects.filter(status="booked"):
        appointment = booked.get(session.pk)
        if appointment is None:
            session.status = "planned"
            session.save(update_fields=["status"])
        else:
            session.booked_for = appointment.start
            session.booked_with_id = appointment.practitioner_id
            session.save(update_fields=["booked_for", "booked_with"])


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0004_longest_appointment"),
        ("treatments", "0010_allergies_and_bookings"),
    ]

    operations = [migrations.RunPython(copy_bookings_to_sessions, migrations.RunPython.noop)]
