"""The day calendar's grid: one column per practitioner (or room), one row per quarter hour,
each cell an appointment or a booking link."""

from datetime import date, time, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.models import GRID_MINUTES, Appointment, Room, WorkingHours
from scheduling.slots import local_moment


def day_grid(visible: QuerySet[Appointment], *, day: date, by_room: bool) -> dict:
    """What the day page shows of `visible` appointments on `day`."""
    appointments = list(
        visible.on_day(day).occupying().select_related("patient", "practitioner", "room").order_by("start")
    )
    hours = list(WorkingHours.objects.filter(weekday=day.weekday()).select_related("practitioner"))
    if by_room:
        columns = list(Room.objects.filter(active=True))
        key = "room_id"
    else:
        columns = sorted(
            {h.practitioner for h in hours} | {a.practitioner for a in appointments}, key=lambda u: (u.last_name, u.pk)
        )
        key = "practitioner_id"
    opening = min([h.start for h in hours], default=time(9)) if hours else time(9)
    closing = max([h.end for h in hours], default=time(18)) if hours else time(18)
    # The grid has hundreds of cells: each carries its text and booking link ready-made,
    # which renders several times faster than template tags and filters per cell.
    booking_url = f"{reverse('appointment_new')}?{'room' if by_room else 'practitioner'}="
    book_label = _("Book %(column)s at %(time)s")
    column_names = {column.pk: str(column) for column in columns}
    rows = []
    moment = local_moment(day, opening)
    close = local_moment(day, closing)
    starts = {(getattr(a, key), timezone.localtime(a.start).replace(second=0, microsecond=0)): a for a in appointments}
    covered = set()
    while moment < close:
        clock = f"{moment:%H:%M}"
        cells = []
        for column in columns:
            appointment = starts.get((column.pk, moment))
            if appointment:
                span = max(1, appointment.minutes // GRID_MINUTES)
                for step in range(1, span):
                    covered.add((column.pk, moment + timedelta(minutes=GRID_MINUTES * step)))
                cells.append({"appointment": appointment, "span": span})
            elif (column.pk, moment) not in covered:
                cells.append(
                    {
                        "book_url": f"{booking_url}{column.pk}&start={moment:%Y-%m-%d}T{clock}",
                        "label": book_label % {"column": column_names[column.pk], "time": clock},
                    }
                )
        rows.append({"clock": clock, "on_the_hour": moment.minute == 0, "cells": cells})
        moment += timedelta(minutes=GRID_MINUTES)
    context = {
        "day": day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "columns": columns,
        "rows": rows,
        "by_room": by_room,
        "appointments": appointments,
    }
    return context
