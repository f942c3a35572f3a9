"""What goes into the documents patients take home: the aftercare sheet of a session and
the plan of a course.

The same dictionary feeds the HTML preview and the PDF, so both always say the same. Each
document is in its patient's language, whoever prints it: the dictionary carries that
`language`, reads the clinic's texts in it, and the template renders it there
(`{% language %}`), so that a print batch may mix languages."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clinic.models import User
from treatments import safety
from treatments.cocktails import current_version, describe_line, version_to_give
from treatments.models import (
    AftercareTopic,
    DocumentHandover,
    Formulation,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
)

# Every sheet speaks of these two, even if the clinic deactivates their rows by mistake.
ALWAYS_COVERED = (
    {"title_en": "Redness", "title_fr": "Rougeur", "duration_en": "a day or two", "duration_fr": "un jour ou deux"},
    {"title_en": "Swelling", "title_fr": "Gonflement", "duration_en": "a day or two", "duration_fr": "un jour ou deux"},
)


@dataclass(frozen=True)
class NextVisit:
    start: datetime | None = None
    practitioner: str = ""
    earliest: date | None = None
    latest: date | None = None


def clinic_details() -> dict:
    return {
        "name": settings.CLINIC_NAME,
        "address": settings.CLINIC_ADDRESS,
        "phone": settings.CLINIC_PHONE,
        "out_of_hours_phone": settings.CLINIC_OUT_OF_HOURS_PHONE,
    }


def aftercare_sheet(session: TreatmentSession, cocktail: Formulation | None = None) -> dict:
    """The aftercare sheet of a recorded session, or the "before your session" sheet of one
    not recorded yet (even on its day: what was given is not known before it is recorded).
    `cocktail` is the version the session is given (`versions_to_give`), read if not passed.

    A session still to come whose cocktail is blocked for the patient gets no sheet
    ("withheld"): it would tell them to come while a dermatologist has to decide first."""
    plan = session.plan
    with translation.override(plan.patient.preferred_language):
        return sheet_in_language(session, cocktail or version_to_give(session))


def sheet_in_language(session: TreatmentSession, cocktail: Formulation) -> dict:
    plan = session.plan
    sheet = {
        "clinic": clinic_details(),
        "session": session,
        "plan": plan,
        "patient": plan.patient,
        "language": plan.patient.preferred_language,
    }
    if not session.is_done and blocked_for_patient(session, cocktail):
        # A page for the staff printing the day's batch, in their language.
        return sheet | {"withheld": True, "language": None}
    areas = areas_of(session)
    lines = list(cocktail.lines.all())
    by_kind = topics_for(areas=[area for area, _volume in areas], ingredient_ids=[line.ingredient_id for line in lines])
    return sheet | {
        "withheld": False,
        "done": session.is_done,
        "position": position_in_course(session),
        "areas": areas,
        "cocktail": [describe_line(line, for_patients=True) for line in lines],
        "cocktail_name": str(cocktail),
        "lots": [use.lot for use in session.lots.select_related("lot__product")] if session.is_done else [],
        "effects": by_kind[AftercareTopic.Kind.EFFECT],
        "instructions": by_kind[AftercareTopic.Kind.INSTRUCTION],
        "area_notes": [(area, area.aftercare_notes) for area, _volume in areas if area.aftercare_notes],
        "warnings": by_kind[AftercareTopic.Kind.WARNING],
        "before": by_kind[AftercareTopic.Kind.BEFORE],
        "next_visit": next_visit(session),
        "today": timezone.localdate(),
    }


def blocked_for_patient(session: TreatmentSession, cocktail: Formulation) -> bool:
    """Whether safety blocks this cocktail for the patient on the session's day (today if
    it is not booked, or booked for a day gone by)."""
    today = timezone.localdate()
    findings = safety.check_formulation_for_patient(
        patient=session.plan.patient,
        formulation=cocktail,
        on_date=max(session.booked_day or today, today),
        plan=session.plan,
    )
    return any(finding.is_block for finding in findings)


def plan_document(plan: TreatmentPlan) -> dict:
    """The printable plan of a course: its sessions, what to do before each one and what to
    expect after, with the cocktail version its next session is given. `plan` comes with
    its sessions and areas prefetched."""
    with translation.override(plan.patient.preferred_language):
        return plan_in_language(plan)


def plan_in_language(plan: TreatmentPlan) -> dict:
    planned_areas = list(plan.areas.all())
    cocktail = current_version(plan)
    lines = list(cocktail.lines.all())
    by_kind = topics_for(
        areas=[planned.area for planned in planned_areas], ingredient_ids=[line.ingredient_id for line in lines]
    )
    return {
        "plan": plan,
        "language": plan.patient.preferred_language,
        "clinic": clinic_details(),
        "lines": [describe_line(line, for_patients=True) for line in lines],
        "cocktail_name": str(cocktail),
        "sessions": [s for s in plan.sessions.all() if s.status != TreatmentSession.Status.CANCELLED],
        "planned_volume": sum((planned.volume_ml for planned in planned_areas), Decimal(0)),
        "before": by_kind[AftercareTopic.Kind.BEFORE],
        "effects": by_kind[AftercareTopic.Kind.EFFECT],
        "warnings": by_kind[AftercareTopic.Kind.WARNING],
        "today": timezone.localdate(),
    }


def topics_for(*, areas: list[TreatmentArea], ingredient_ids: list[int]) -> dict[str, list[AftercareTopic]]:
    """The clinic's active aftercare topics, by kind, for all sessions and for these areas and
    ingredients: those that concern at least one of the areas, one per title."""
    area_ids = {area.pk for area in areas}
    candidates = (
        AftercareTopic.objects.filter(active=True)
        .filter(Q(area__isnull=True, ingredient__isnull=True) | Q(area__in=area_ids) | Q(ingredient__in=ingredient_ids))
        .select_related("area", "ingredient")
        .prefetch_related("not_for_areas")
    )
    topics = strictest_of_each_title(
        [topic for topic in candidates if not area_ids or area_ids - {area.pk for area in topic.not_for_areas.all()}]
    )
    by_kind = {kind: [t for t in topics if t.kind == kind] for kind in AftercareTopic.Kind.values}
    effects = by_kind[AftercareTopic.Kind.EFFECT]
    for texts in ALWAYS_COVERED:
        if not any(topic.title_en == texts["title_en"] for topic in effects):
            effects.insert(0, AftercareTopic(kind=AftercareTopic.Kind.EFFECT, **texts))
    return by_kind


def strictest_of_each_title(topics: list[AftercareTopic]) -> list[AftercareTopic]:
    """One topic per title, in the order of the first: the one that holds longest (an area's
    "no sport 3 days" over the clinic's "24 hours"), or on a tie the more specific, whose
    advice is written for the area or ingredient."""

    def strictness(topic: AftercareTopic) -> tuple[float, bool]:
        return (-1 if topic.hours is None else topic.hours), bool(topic.area_id or topic.ingredient_id)

    chosen: dict[tuple[str, str], AftercareTopic] = {}
    for topic in topics:
        if topic.key not in chosen or strictness(topic) > strictness(chosen[topic.key]):
            chosen[topic.key] = topic  # a dict keeps the place of the key's first topic
    return list(chosen.values())


def areas_of(session: TreatmentSession) -> list[tuple[TreatmentArea, Decimal]]:
    """The areas treated (recorded) or to be treated (planned), with their volume."""
    if session.is_done:
        return [(recorded.area, recorded.volume_ml) for recorded in session.areas.select_related("area")]
    return [(planned.area, planned.volume_ml) for planned in session.plan.areas.select_related("area")]


def position_in_course(session: TreatmentSession) -> str:
    if session.maintenance:
        return _("maintenance session")
    return _("session %(number)s of %(count)s") % {"number": session.number, "count": session.plan.sessions_planned}


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


def aftercare_file_name(session: TreatmentSession, *, done: bool) -> str:
    """The sheet's file name, in the patient's language like the sheet: aftercare-Durand-1.pdf."""
    with translation.override(session.plan.patient.preferred_language):
        kind = pgettext("file name", "aftercare") if done else pgettext("file name", "before-your-session")
    return f"{kind}-{session.plan.patient.last_name}-{session.number}.pdf"


def plan_file_name(plan: TreatmentPlan) -> str:
    with translation.override(plan.patient.preferred_language):
        kind = pgettext("file name", "course-plan")
    return f"{kind}-{plan.patient.last_name}-{plan.start_date:%Y-%m-%d}.pdf"


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
