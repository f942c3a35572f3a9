"""The dates of a course of sessions: a pure function of the rules, the start date and the
dates sessions really happened (or are booked for). No database here, so every rule can be
tested exhaustively; treatments/plans.py stores what it returns.

Spacing is counted from the previous session's real date when there is one, else from its
target: session n's window is [previous + min_days, previous + max_days] and its target
previous + interval_days, each moved onto a day the clinic is open.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.utils.translation import gettext as _

SUNDAY = 6
# A maintenance session may fall this many days either side of its target.
MAINTENANCE_TOLERANCE_DAYS = 14


class SeriesError(ValueError):
    """The rules cannot produce a series: the message says what to change."""


@dataclass(frozen=True)
class SeriesRules:
    sessions: int
    interval_days: int
    min_days: int
    max_days: int
    maintenance_interval_days: int | None = None
    maintenance_count: int = 0
    closed_weekdays: frozenset[int] = field(default_factory=lambda: frozenset({SUNDAY}))

    def problems(self) -> list[str]:
        found = []
        if self.sessions < 1:
            found.append(_("A course needs at least one session."))
        if self.min_days < 1:
            found.append(_("Sessions must be at least one day apart."))
        if not self.min_days <= self.interval_days <= self.max_days:
            found.append(_("The interval must lie between the minimum and the maximum spacing."))
        if len(self.closed_weekdays) >= 7:
            found.append(_("The clinic must be open on at least one day of the week."))
        if self.maintenance_count and not self.maintenance_interval_days:
            found.append(_("Maintenance sessions need an interval."))
        return found


@dataclass(frozen=True)
class PlannedSession:
    number: int
    target: date
    earliest: date
    latest: date
    maintenance: bool = False


def plan_series(
    rules: SeriesRules,
    start: date,
    actual_dates: dict[int, date] | None = None,
    *,
    strict: bool = True,
    course_done: bool | None = None,
    skipped: frozenset[int] = frozenset(),
    resumed_on: date | None = None,
) -> list[PlannedSession]:
    """The sessions of a course starting on `start`. `actual_dates` maps a session number to
    the day it was done or is booked; later sessions are spaced from those days. Maintenance
    sessions follow once the course is done: by default when every course session has an
    actual date or is skipped; `course_done` says it outright when some of those dates are
    only bookings.

    A `skipped` session keeps a place in the list but none in the spacing: the session after
    it is spaced from the last one not skipped (the first session's place when there is none).
    A course `resumed_on` a day places no session without a day before it: one whose window
    opened earlier (the course was stopped meanwhile) starts afresh from that day, as a first
    session does from the start.

    A window with no open day raises SeriesError; with `strict=False` (re-spacing around
    what really happened, which cannot be refused) it becomes the next open day instead."""
    if problems := rules.problems():
        raise SeriesError(" ".join(problems))
    try:
        return place_sessions(rules, start, actual_dates or {}, strict, course_done, skipped, resumed_on)
    except OverflowError:
        raise SeriesError(_("These dates run past the calendar's end; check the start date and the spacing.")) from None


def resumed(session: PlannedSession, resumed_on: date | None, window_days: int, closed: frozenset[int]):
    """`session`, still without a day, again from the day its course resumed when its window
    opened before (the course was stopped meanwhile)."""
    if resumed_on is None or session.earliest >= resumed_on:
        return session
    return opening_session(session.number, resumed_on, window_days, closed, session.maintenance)


def opening_session(number: int, day: date, window_days: int, closed: frozenset[int], maintenance: bool = False):
    """A session that opens a series on `day`: its target is the first open day, its window
    `window_days` long."""
    first = next_open_day(day, closed)
    return PlannedSession(
        number, first, first, last_open_day(first + timedelta(days=window_days), closed, first), maintenance
    )


def place_sessions(
    rules: SeriesRules,
    start: date,
    actual_dates: dict[int, date],
    strict: bool,
    course_done: bool | None,
    skipped: frozenset[int],
    resumed_on: date | None,
) -> list[PlannedSession]:
    closed = rules.closed_weekdays
    course_window = rules.max_days - rules.min_days
    sessions = []
    anchor = None  # the day of the last session not skipped: the next one is spaced from it
    for number in range(1, rules.sessions + 1):
        if anchor is None:
            session = opening_session(number, start, course_window, closed)
            session = replace(session, target=actual_dates.get(number, session.target))
        else:
            session = spaced_session(
                number, anchor, rules.min_days, rules.interval_days, rules.max_days, rules, actual_dates, strict
            )
        if number not in actual_dates:
            session = resumed(session, resumed_on, course_window, closed)
        sessions.append(session)
        if number not in skipped:
            anchor = sessions[-1].target
    if course_done is None:
        course_done = all(number in actual_dates or number in skipped for number in range(1, rules.sessions + 1))
    if course_done and rules.maintenance_count:
        interval = rules.maintenance_interval_days
        tolerance = interval - minimum_gap_days(rules, rules.sessions + 1)
        for number in range(rules.sessions + 1, rules.sessions + rules.maintenance_count + 1):
            session = spaced_session(
                number,
                anchor or start,
                interval - tolerance,
                interval,
                interval + tolerance,
                rules,
                actual_dates,
                strict,
            )
            session = replace(session, maintenance=True)
            if number not in actual_dates:
                session = resumed(session, resumed_on, 2 * tolerance, closed)
            sessions.append(session)
            if number not in skipped:
                anchor = sessions[-1].target
    return sessions


def spaced_session(
    number: int,
    anchor: date,
    min_days: int,
    interval_days: int,
    max_days: int,
    rules: SeriesRules,
    actual_dates: dict[int, date],
    strict: bool,
) -> PlannedSession:
    closed = rules.closed_weekdays
    earliest = next_open_day(anchor + timedelta(days=min_days), closed)
    latest = last_open_day(anchor + timedelta(days=max_days), closed, earliest)
    if earliest > latest and not strict:
        latest = earliest
    if earliest > latest:
        raise SeriesError(
            _(
                "Session %(number)s: the clinic is closed on every day from %(min_days)s to %(max_days)s days after "
                "session %(previous)s. Widen the spacing."
            )
            % {"number": number, "min_days": min_days, "max_days": max_days, "previous": number - 1}
        )
    target = next_open_day(anchor + timedelta(days=interval_days), closed)
    if target > latest:
        target = latest
    return PlannedSession(number, actual_dates.get(number, target), earliest, latest)


def minimum_gap_days(rules: SeriesRules, number: int) -> int:
    """The fewest days session `number` may follow the one before it: the course's minimum,
    or for a maintenance session its interval less the tolerance."""
    if number <= rules.sessions:
        return rules.min_days
    interval = rules.maintenance_interval_days
    return interval - min(MAINTENANCE_TOLERANCE_DAYS, interval - 1)


def next_open_day(day: date, closed_weekdays: frozenset[int]) -> date:
    while day.weekday() in closed_weekdays:
        day += timedelta(days=1)
    return day


def last_open_day(day: date, closed_weekdays: frozenset[int], not_before: date) -> date:
    """The last open day on or before `day`; `not_before - 1 day` when there is none after `not_before`."""
    while day >= not_before and day.weekday() in closed_weekdays:
        day -= timedelta(days=1)
    return day
