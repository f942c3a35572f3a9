"""What goes into the documents patients take home: the aftercare sheet of a session and
the plan of a course.

The same dictionary feeds the HTML preview and the PDF, so both always say the same."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from clinic.models import User
from treatments.cocktails import describe_line
from treatments.models import AftercareTopic, DocumentHandover, TreatmentArea, TreatmentPlan, TreatmentSession

# Every sheet speaks of these two, even if the clinic deactivates their rows by mistake.
ALWAYS_COVERED = ("Redness", "Swelling")


@dataclass(frozen=True)
class NextVisit:
    start: datetime | None = None
    practitioner: str = ""
    earliest: date | None = None
    latest: date | None = None


def clinic_details() -> dict:
    return {"name": settings.CLINIC_NAME, "address": settings.CLINIC_ADDRESS, "phone": settings.CLINIC_PHONE}


def aftercare_sheet(session: TreatmentSession) -> dict:
    """The aftercare sheet of a session done or seen today (it is handed over at the visit),
    or the "before your session" sheet of one still to come."""
    plan = session.plan
    after = session.is_done or session.booked_day == timezone.localdate()
    areas = areas_of(session)
    formulation = session.formulation or plan.formulation
    lines = list(formulation.lines.select_related("ingredient"))
    by_kind = topics_for(areas=[area for area, _ in areas], ingredient_ids=[line.ingredient_id for line in lines])
    return {
        "clinic": clinic_details(),
        "session": session,
        "plan": plan,
        "patient": plan.patient,
        "done": after,
        "position": position_in_course(session),
        "areas": areas,
        "cocktail": [describe_line(line) for line in lines],
        "cocktail_name": str(formulation),
        "lots": list(session.lots.all()) if session.is_done else [],
        "effects": by_kind[AftercareTopic.Kind.EFFECT],
        "instructions": by_kind[AftercareTopic.Kind.INSTRUCTION],
        "area_notes": [(area, area.aftercare_notes) for area, _ in areas if area.aftercare_notes],
        "warnings": by_kind[AftercareTopic.Kind.WARNING],
        "before": by_kind[AftercareTopic.Kind.BEFORE],
        "next_visit": next_visit(session),
        "today": timezone.localdate(),
    }


def plan_document(plan: TreatmentPlan) -> dict:
    """The printable plan of a course: its sessions, what to do before each one and what to
    expect after. `plan` comes with its sessions, areas and lines prefetched."""
    planned_areas = list(plan.areas.all())
    lines = list(plan.formulation.lines.all())
    by_kind = topics_for(
        areas=[planned.area for planned in planned_areas], ingredient_ids=[line.ingredient_id for line in lines]
    )
    return {
        "plan": plan,
        "clinic": clinic_details(),
        "lines": [describe_line(line) for line in lines],
        "sessions": [s for s in plan.sessions.all() if s.status != TreatmentSession.Status.CANCELLED],
        "planned_volume": sum((planned.volume_ml for planned in planned_areas), Decimal(0)),
        "before": by_kind[AftercareTopic.Kind.BEFORE],
        "effects": by_kind[AftercareTopic.Kind.EFFECT],
        "warnings": by_kind[AftercareTopic.Kind.WARNING],
        "today": timezone.localdate(),
    }


def topics_for(*, areas: list[TreatmentArea], ingredient_ids: list[int]) -> dict[str, list[AftercareTopic]]:
    """The clinic's active aftercare topics, by kind, for all sessions and for these areas and
    ingredients."""
    topics = list(
        AftercareTopic.objects.filter(active=True)
        .filter(
            Q(area__isnull=True, ingredient__isnull=True)
            | Q(area__in=[area.pk for area in areas])
            | Q(ingredient__in=ingredient_ids)
        )
        .select_related("area", "ingredient")
    )
    by_kind = {kind: [t for t in topics if t.kind == kind] for kind in AftercareTopic.Kind.values}
    effects = by_kind[AftercareTopic.Kind.EFFECT]
    for title in ALWAYS_COVERED:
        if not any(topic.title == title for topic in effects):
            effects.insert(0, AftercareTopic(kind=AftercareTopic.Kind.EFFECT, title=title, duration="a day or two"))
    return by_kind


def areas_of(session: TreatmentSession) -> list[tuple[TreatmentArea, Decimal]]:
    """The areas treated (recorded) or to be treated (planned), with their volume."""
    if session.is_done:
        return [(recorded.area, recorded.volume_ml) for recorded in session.areas.select_related("area")]
    return [(planned.area, planned.volume_ml) for planned in session.plan.areas.select_related("area")]


def position_in_course(session: TreatmentSession) -> str:
    if session.maintenance:
        return "maintenance session"
    return f"session {session.number} of {session.plan.sessions_planned}"


def next_visit(session: TreatmentSession) -> NextVisit | None:
    """The next visit's appointment (this session's, if it is still to come), or its window
    while it is not booked."""
    later = (
        session.plan.sessions.filter(
            number__gte=session.number + (1 if session.is_done else 0),
            status__in=[TreatmentSession.Status.PLANNED, TreatmentSession.Status.BOOKED],
        )
        .select_related("booked_with")
        .order_by("number")
        .first()
    )
    if later is None:
        return None
    if later.status == TreatmentSession.Status.BOOKED:
        return NextVisit(start=later.booked_for, practitioner=str(later.booked_with))
    return NextVisit(earliest=later.earliest_date, latest=later.latest_date)


def record_download(
    *,
    document: str,
    by: User,
    ip_address: str | None,
    session: TreatmentSession | None = None,
    plan: TreatmentPlan | None = None,
) -> DocumentHandover:
    """Who downloaded which document, when and from where: what the chart's handovers show."""
    return DocumentHandover.objects.create(document=document, session=session, plan=plan, by=by, ip_address=ip_address)


def record_paper_handover(*, session: TreatmentSession, by: User, ip_address: str | None) -> DocumentHandover:
    return DocumentHandover.objects.create(
        document=DocumentHandover.Document.AFTERCARE,
        channel=DocumentHandover.Channel.PAPER,
        session=session,
        by=by,
        ip_address=ip_address,
    )
