"""The rules a dermatologist may override with a written reason, and the overrides on the
record. Recording and amending a session ask `breaches` what the chosen date and areas
break; `settle` refuses until each one is overridden, then writes the overrides.

A breach carries a key: the form returns the keys the dermatologist was shown, and a
breach that appears only after they wrote their reason (another date, another area) is
asked again instead of being covered by a reason written for something else.

A safety block may also be overridden for a whole course, when it is planned or started
(`course_block_breaches`, `settle_for_course`): that override covers the same block (the
same finding key) at each of the course's sessions, never another block or another course.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic import roles
from clinic.models import User
from clinic.reasons import reason_error
from treatments.models import Override, TreatmentArea, TreatmentPlan, TreatmentSession
from treatments.safety import Finding
from treatments.series import SeriesRules, minimum_gap_days

Rule = Override.Rule


@dataclass(frozen=True)
class Breach:
    rule: str
    key: str
    message: str
    finding_key: str = ""  # a block's: the safety finding it is


class OverrideNeeded(Exception):
    """The record breaks rules that only a dermatologist's written override lets through."""

    def __init__(self, breaches: list[Breach]) -> None:
        self.breaches = breaches
        super().__init__(" ".join(breach.message for breach in breaches))

    @property
    def keys(self) -> str:
        return " ".join(breach.key for breach in self.breaches)


def short_date(day: date) -> str:
    return date_format(day, "d/m/Y")


def day_of(session: TreatmentSession) -> date:
    return timezone.localtime(session.done_at).date()


def spacing_breaches(session: TreatmentSession, day: date, rules: SeriesRules) -> list[Breach]:
    """`session` given on `day` against the sessions of its course already done: at least
    the minimum spacing after the one before it and before the one after it."""
    done = session.plan.sessions.filter(status=TreatmentSession.Status.DONE).exclude(pk=session.pk)
    found = []
    before = done.filter(number__lt=session.number).order_by("-number").first()
    gap = minimum_gap_days(rules, session.number)
    if before and day < (opens := day_of(before) + timedelta(days=gap)):
        found.append(
            Breach(
                Rule.SPACING,
                f"spacing:{before.pk}:{session.pk}",
                _(
                    "Session %(number)s may be given from %(opens)s, %(gap)s days after session %(before)s "
                    "(done %(done)s)."
                )
                % {
                    "number": session.number,
                    "opens": short_date(opens),
                    "gap": gap,
                    "before": before.number,
                    "done": short_date(day_of(before)),
                },
            )
        )
    after = done.filter(number__gt=session.number).order_by("number").first()
    if after and day_of(after) < day + timedelta(days=(after_gap := minimum_gap_days(rules, after.number))):
        found.append(
            Breach(
                Rule.SPACING,
                f"spacing:{session.pk}:{after.pk}",
                _("Session %(after)s was done on %(done)s, less than %(gap)s days after %(day)s.")
                % {"after": after.number, "done": short_date(day_of(after)), "gap": after_gap, "day": short_date(day)},
            )
        )
    return found


def order_breaches(session: TreatmentSession) -> list[Breach]:
    """Sessions are given in their course's order: earlier ones still to come (planned,
    booked, or missed and to book again) come first; a skipped one no longer counts."""
    waiting = list(
        session.plan.sessions.filter(number__lt=session.number, status__in=TreatmentSession.STILL_TO_COME).values_list(
            "number", flat=True
        )
    )
    if not waiting:
        return []
    numbers = ", ".join(str(number) for number in waiting)
    return [
        Breach(
            Rule.ORDER,
            f"order:{session.pk}:{numbers.replace(', ', '-')}",
            ngettext(
                "Session %(numbers)s of this course is not done yet: session %(number)s comes after.",
                "Session %(numbers)s of this course are not done yet: session %(number)s comes after.",
                len(waiting),
            )
            % {"numbers": numbers, "number": session.number},
        )
    ]


def area_spacing_breaches(session: TreatmentSession, day: date, areas: Iterable[TreatmentArea]) -> list[Breach]:
    """The same area treated in another of the patient's courses closer than the larger of
    the two courses' minimum spacing, before or after `day`."""
    plan = session.plan
    others = (
        TreatmentSession.objects.filter(
            plan__patient_id=plan.patient_id,
            status=TreatmentSession.Status.DONE,
            areas__area__in=[area.pk for area in areas],
        )
        .exclude(plan=plan)
        .select_related("plan")
        .prefetch_related("areas__area")
        .distinct()
    )
    found = []
    wanted = {area.pk for area in areas}
    for other in others:
        gap = max(plan.min_days, other.plan.min_days)
        apart = abs((day_of(other) - day).days)
        if apart < gap:
            shared = ", ".join(a.area.name for a in other.areas.all() if a.area_id in wanted)
            found.append(
                Breach(
                    Rule.AREA_SPACING,
                    f"area_spacing:{session.pk}:{other.pk}",
                    _(
                        "%(areas)s treated on %(day)s in the patient's %(indication)s course: %(apart)s days from this "
                        "session, the minimum is %(gap)s."
                    )
                    % {
                        "areas": shared,
                        "day": short_date(day_of(other)),
                        "indication": other.plan.get_indication_display().lower(),
                        "apart": apart,
                        "gap": gap,
                    },
                )
            )
    return found


def course_overrides(plan: TreatmentPlan):
    """The blocks a dermatologist overrode for the whole of `plan`."""
    return Override.objects.filter(plan=plan, session__isnull=True, rule=Rule.BLOCK)


def overridden_for_course(plan: TreatmentPlan) -> set[str]:
    """The safety findings (their keys) overridden for the whole of `plan`."""
    return set(course_overrides(plan).values_list("finding_key", flat=True))


def block_breaches(
    session: TreatmentSession, findings: list[Finding], *, covered: set[str] | None = None
) -> list[Breach]:
    """The blocks among `findings` at `session`, but those overridden for its whole course
    (`covered`, read if not given)."""
    blocks = [finding for finding in findings if finding.is_block]
    if covered is None:
        covered = overridden_for_course(session.plan) if blocks else set()
    return [
        Breach(Rule.BLOCK, f"block:{session.pk}:{finding.key}", finding.reason, finding.key)
        for finding in blocks
        if finding.key not in covered
    ]


def course_block_breaches(findings: list[Finding], plan: TreatmentPlan | None = None) -> list[Breach]:
    """The blocks among `findings` for a course being planned (`plan` None: it has no
    overrides yet) or started, but those already overridden for it."""
    blocks = [finding for finding in findings if finding.is_block]
    covered = overridden_for_course(plan) if plan is not None and blocks else set()
    return [
        Breach(Rule.BLOCK, f"block:course:{finding.key}", finding.reason, finding.key)
        for finding in blocks
        if finding.key not in covered
    ]


def check_overridden(breaches: list[Breach], *, reason: str, shown: Iterable[str], by: User) -> None:
    """Refuse unless every breach was shown to `by`, a dermatologist, who wrote why."""
    if not breaches:
        return
    shown = set(shown)
    if not reason.strip() or any(breach.key not in shown for breach in breaches):
        raise OverrideNeeded(breaches)
    if not roles.is_dermatologist(by):
        raise ValidationError({"override_reason": _("Only a dermatologist may override these rules.")})
    if error := reason_error(reason, asked=_("Say why it is right to go ahead")):
        raise ValidationError({"override_reason": error})


def settle(
    breaches: list[Breach],
    *,
    session: TreatmentSession,
    reason: str,
    shown: Iterable[str],
    by: User,
) -> list[Override]:
    """Refuse unless every breach was shown to `by`, a dermatologist, who wrote why; then
    put each override on the record."""
    check_overridden(breaches, reason=reason, shown=shown, by=by)
    return write(breaches, plan=session.plan, session=session, reason=reason, by=by)


def settle_for_course(
    breaches: list[Breach], *, plan: TreatmentPlan, reason: str, shown: Iterable[str], by: User
) -> list[Override]:
    """As `settle`, for blocks overridden for the whole course `plan` (course_block_breaches)."""
    check_overridden(breaches, reason=reason, shown=shown, by=by)
    return write(breaches, plan=plan, session=None, reason=reason, by=by)


def write(
    breaches: list[Breach], *, plan: TreatmentPlan, session: TreatmentSession | None, reason: str, by: User
) -> list[Override]:
    return Override.objects.bulk_create(
        [
            Override(
                plan=plan,
                session=session,
                rule=breach.rule,
                finding=breach.message[:500],
                finding_key=breach.finding_key[:120],
                reason=reason.strip(),
                overridden_by=by,
            )
            for breach in breaches
        ]
    )
