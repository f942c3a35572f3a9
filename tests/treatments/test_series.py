"""The dates of a course: plan_series is pure, so its rules are checked over random courses
first, then on the examples a clinic would recognise."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from treatments.series import MAINTENANCE_TOLERANCE_DAYS, PlannedSession, SeriesError, SeriesRules, plan_series

MONDAY, SATURDAY, SUNDAY = 0, 5, 6
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def day(text: str) -> date:
    return date.fromisoformat(text)


def weekday(d: date) -> str:
    return WEEKDAYS[d.weekday()]


def dates(session: PlannedSession) -> tuple[date, date, date]:
    return session.earliest, session.target, session.latest


def spacing_of(rules: SeriesRules, number: int) -> tuple[int, int, int]:
    """(least, interval, most) days after the previous session for session `number`."""
    if number <= rules.sessions:
        return rules.min_days, rules.interval_days, rules.max_days
    interval = rules.maintenance_interval_days
    tolerance = min(MAINTENANCE_TOLERANCE_DAYS, interval - 1)
    return interval - tolerance, interval, interval + tolerance


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def open_days(first: date, last: date, closed: frozenset[int]) -> list[date]:
    return [d for d in days_between(first, last) if d.weekday() not in closed]


def anchor_of(number: int, series: list[PlannedSession], actual: dict[int, date]) -> date:
    return actual.get(number - 1, series[number - 2].target)


# --- Random courses --------------------------------------------------------------------------


@st.composite
def series_rules(draw) -> SeriesRules:
    min_days = draw(st.integers(3, 60))
    # Narrow windows half the time, so that windows falling wholly on closed days are drawn too.
    width = draw(st.one_of(st.integers(0, 2), st.integers(0, 57)))
    max_days = min(60, min_days + width)
    interval_days = draw(st.integers(min_days, max_days))
    maintenance_interval, maintenance_count = draw(
        st.one_of(st.just((None, 0)), st.tuples(st.integers(1, 400), st.integers(1, 12)))
    )
    return SeriesRules(
        sessions=draw(st.integers(1, 20)),
        interval_days=interval_days,
        min_days=min_days,
        max_days=max_days,
        maintenance_interval_days=maintenance_interval,
        maintenance_count=maintenance_count,
        closed_weekdays=draw(st.frozensets(st.integers(0, 6), max_size=3)),
    )


@st.composite
def courses(draw) -> tuple[SeriesRules, date, dict[int, date]]:
    """Rules, a start date, and the real dates of a prefix of the sessions, each drawn within
    a few days of the window the series gave it once the earlier ones were known."""
    rules = draw(series_rules())
    start = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    done = draw(st.integers(0, rules.sessions + rules.maintenance_count))
    actual: dict[int, date] = {}
    for number in range(1, done + 1):
        try:
            series = plan_series(rules, start, actual)
        except SeriesError:
            break
        planned = series[number - 1]
        offset = draw(st.integers(-3, (planned.latest - planned.earliest).days + 3))
        actual[number] = planned.earliest + timedelta(days=offset)
    return rules, start, actual


@settings(max_examples=300, deadline=None)
@given(courses())
@example((SeriesRules(4, 7, 7, 7, closed_weekdays=frozenset({SUNDAY})), day("2026-03-02"), {1: day("2026-03-08")}))
@example((SeriesRules(1, 7, 7, 7, 1, 1, frozenset({SATURDAY, SUNDAY})), day("2026-03-02"), {1: day("2026-03-06")}))
def test_series_obeys_the_rules_or_says_which_window_has_no_open_day(course):
    """Either every session gets a window of open days spaced by the rules from the session
    before it, or plan_series raises SeriesError naming the first session n >= 2 whose window
    [anchor + least, anchor + most] (anchor: session n-1's real date, else its target; least
    and most: min_days/max_days, or the maintenance interval -/+ its tolerance) holds no day
    the clinic is open, every session before n having been placed."""
    rules, start, actual = course
    closed = rules.closed_weekdays
    try:
        series = plan_series(rules, start, actual)
    except SeriesError as error:
        event("refused: a window on closed days")
        message = str(error)
        assert message.startswith("Session ")
        number = int(message.removeprefix("Session ").split(":")[0])
        assert number >= 2
        if number <= rules.sessions:
            earlier = replace(rules, sessions=number - 1, maintenance_count=0)
        else:
            earlier = replace(rules, maintenance_count=number - rules.sessions - 1)
        placed = plan_series(earlier, start, actual)  # everything before n fits
        assert len(placed) == number - 1
        least, _, most = spacing_of(rules, number)
        anchor = anchor_of(number, placed, actual)
        assert open_days(anchor + timedelta(days=least), anchor + timedelta(days=most), closed) == []
        return

    course_done = all(number in actual for number in range(1, rules.sessions + 1))
    event("course complete" if course_done else "course under way")
    expected_count = rules.sessions + (rules.maintenance_count if course_done else 0)
    assert len(series) == expected_count
    assert [session.number for session in series] == list(range(1, expected_count + 1))
    assert [session.maintenance for session in series] == [n > rules.sessions for n in range(1, expected_count + 1)]

    first_open = open_days(start, start + timedelta(days=7), closed)[0]
    assert series[0].earliest == first_open
    assert (series[0].latest - series[0].earliest).days <= rules.max_days - rules.min_days
    for session in series:
        number = session.number
        assert session.earliest.weekday() not in closed, session
        assert session.latest.weekday() not in closed, session
        assert session.earliest <= session.latest
        if number in actual:
            assert session.target == actual[number]
        else:
            assert session.target.weekday() not in closed, session
            assert session.earliest <= session.target <= session.latest, session
        if number == 1:
            continue
        anchor = anchor_of(number, series, actual)
        least, interval, most = spacing_of(rules, number)
        assert (session.earliest - anchor).days >= least, (session, anchor)
        assert (session.latest - anchor).days <= most, (session, anchor)
        # The window is as wide as the rules allow: no open day in range is left out.
        allowed = open_days(anchor + timedelta(days=least), anchor + timedelta(days=most), closed)
        assert (session.earliest, session.latest) == (allowed[0], allowed[-1])
        if number not in actual:
            # The target is the first open day from the interval on, or the window's last day.
            on_or_after = [d for d in allowed if d >= anchor + timedelta(days=interval)]
            assert session.target == (on_or_after[0] if on_or_after else allowed[-1])


@settings(max_examples=200, deadline=None)
@given(series_rules(), st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.data())
def test_windows_of_four_days_or_more_always_hold_an_open_day(rules, start, data):
    """With at most three closed weekdays, rules whose windows span four days or more never
    raise, whatever days the sessions were really done on."""
    assume(rules.max_days - rules.min_days >= 3)
    if rules.maintenance_count:
        least, _, most = spacing_of(rules, rules.sessions + 1)
        assume(most - least >= 3)
    gaps = data.draw(st.lists(st.integers(0, 90), min_size=rules.sessions, max_size=rules.sessions))
    done = {number: start + timedelta(days=sum(gaps[:number])) for number in range(1, rules.sessions + 1)}

    assert len(plan_series(rules, start)) == rules.sessions
    assert len(plan_series(rules, start, done)) == rules.sessions + rules.maintenance_count


# --- Examples --------------------------------------------------------------------------------

FORTNIGHTLY = SeriesRules(sessions=4, interval_days=14, min_days=7, max_days=28)
MAINTAINED = replace(FORTNIGHTLY, sessions=3, maintenance_interval_days=91, maintenance_count=2)


def test_a_course_starting_on_a_monday_lands_on_mondays():
    series = plan_series(FORTNIGHTLY, day("2026-03-02"))

    assert [(s.number, s.target) for s in series] == [
        (1, day("2026-03-02")),
        (2, day("2026-03-16")),
        (3, day("2026-03-30")),
        (4, day("2026-04-13")),
    ]
    assert dates(series[1]) == (day("2026-03-09"), day("2026-03-16"), day("2026-03-30"))
    assert not any(s.maintenance for s in series)


def test_a_target_falling_on_sunday_moves_to_monday():
    rules = SeriesRules(sessions=3, interval_days=8, min_days=7, max_days=14)  # Sunday closed by default
    series = plan_series(rules, day("2026-02-28"))  # a Saturday: 8 days later is a Sunday

    assert series[0].target == day("2026-02-28")
    assert (series[1].target, weekday(series[1].target)) == (day("2026-03-09"), "Mon")
    # The window's ends move off Sunday too: 7 days after is Saturday (open), 14 days after is a Saturday.
    assert dates(series[1]) == (day("2026-03-07"), day("2026-03-09"), day("2026-03-14"))
    # The next session is spaced from the Monday target, not from the Sunday.
    assert series[2].target == day("2026-03-17")


def test_a_course_starting_on_sunday_starts_on_monday():
    series = plan_series(FORTNIGHTLY, day("2026-03-01"))
    assert (series[0].earliest, series[0].target) == (day("2026-03-02"), day("2026-03-02"))


def test_a_window_ending_on_sunday_ends_on_saturday():
    rules = SeriesRules(sessions=2, interval_days=7, min_days=7, max_days=13)
    series = plan_series(rules, day("2026-03-02"))  # Monday + 13 days is a Sunday
    assert series[1].latest == day("2026-03-14")
    assert weekday(series[1].latest) == "Sat"


def test_other_closed_days_are_honoured():
    rules = replace(FORTNIGHTLY, closed_weekdays=frozenset({SATURDAY, SUNDAY}))
    series = plan_series(rules, day("2026-03-07"))  # Saturday: first open day is Monday
    assert [weekday(s.target) for s in series] == ["Mon"] * 4
    assert series[0].target == day("2026-03-09")


def test_a_session_done_five_days_late_moves_the_rest_of_the_course_by_five_days():
    start = day("2026-03-02")
    on_time = plan_series(FORTNIGHTLY, start, {1: start})
    session_2 = on_time[1].target + timedelta(days=5)  # Saturday 21 March instead of Monday 16

    late = plan_series(FORTNIGHTLY, start, {1: start, 2: session_2})

    assert late[1].target == session_2
    for number in (3, 4):
        before, after = on_time[number - 1], late[number - 1]
        assert [(a - b).days for a, b in zip(dates(after), dates(before), strict=True)] == [5, 5, 5]
    assert dates(late[2]) == (day("2026-03-28"), day("2026-04-04"), day("2026-04-18"))
    # Session 2's window itself stays where it was: only the sessions after it move.
    assert (late[1].earliest, late[1].latest) == (on_time[1].earliest, on_time[1].latest)


def test_a_session_done_early_brings_the_rest_forward():
    start = day("2026-03-02")
    series = plan_series(FORTNIGHTLY, start, {1: start, 2: day("2026-03-10")})
    assert dates(series[2]) == (day("2026-03-17"), day("2026-03-24"), day("2026-04-07"))


def test_a_skipped_session_leaves_the_next_one_spaced_from_the_last_real_one():
    start = day("2026-03-02")
    series = plan_series(FORTNIGHTLY, start, {1: start}, skipped=frozenset({2}))

    # Session 3 comes a fortnight after session 1, as session 2 would have.
    assert dates(series[2]) == (day("2026-03-09"), day("2026-03-16"), day("2026-03-30"))
    assert dates(series[3]) == (day("2026-03-23"), day("2026-03-30"), day("2026-04-13"))


def test_a_skipped_first_session_gives_its_place_to_the_second():
    start = day("2026-03-02")
    series = plan_series(FORTNIGHTLY, start, skipped=frozenset({1}))
    assert dates(series[1]) == dates(plan_series(FORTNIGHTLY, start)[0])


def test_skipped_sessions_count_as_finished_for_maintenance():
    start = day("2026-03-02")
    series = plan_series(MAINTAINED, start, {1: start, 2: day("2026-03-16")}, skipped=frozenset({3}))
    assert [s.number for s in series if s.maintenance] == [4, 5]
    assert series[3].target == day("2026-06-15")  # 91 days after session 2, the last one given


def test_a_resumed_course_starts_again_from_the_day_it_resumes():
    start = day("2026-03-02")
    # Session 1 given on 2 March; the course stopped, then resumed on Wednesday 20 May.
    series = plan_series(FORTNIGHTLY, start, {1: start}, resumed_on=day("2026-05-20"))

    assert dates(series[0]) == (day("2026-03-02"), day("2026-03-02"), day("2026-03-23"))
    assert dates(series[1]) == (day("2026-05-20"), day("2026-05-20"), day("2026-06-10"))
    assert dates(series[2]) == (day("2026-05-27"), day("2026-06-03"), day("2026-06-17"))


def test_resuming_moves_no_session_whose_window_is_still_to_open():
    start = day("2026-03-02")
    series = plan_series(FORTNIGHTLY, start, {1: start}, resumed_on=day("2026-03-05"))
    assert series == plan_series(FORTNIGHTLY, start, {1: start})


def test_maintenance_sessions_appear_only_once_the_course_is_complete():
    start = day("2026-03-02")
    assert len(plan_series(MAINTAINED, start)) == 3
    assert len(plan_series(MAINTAINED, start, {1: start, 2: day("2026-03-16")})) == 3

    done = {1: start, 2: day("2026-03-16"), 3: day("2026-03-31")}
    series = plan_series(MAINTAINED, start, done)

    assert [(s.number, s.maintenance) for s in series] == [(1, False), (2, False), (3, False), (4, True), (5, True)]
    first, second = series[3], series[4]
    assert first.target == day("2026-06-30")  # 91 days after the real date of session 3
    assert (first.earliest, first.latest) == (day("2026-06-16"), day("2026-07-14"))  # 14 days either side
    assert second.target == first.target + timedelta(days=91)
    assert (second.earliest, second.latest) == (day("2026-09-15"), day("2026-10-13"))


def test_maintenance_is_spaced_from_the_real_date_of_the_previous_maintenance():
    start = day("2026-03-02")
    done = {1: start, 2: day("2026-03-16"), 3: day("2026-03-31"), 4: day("2026-07-07")}
    series = plan_series(MAINTAINED, start, done)
    assert series[3].target == day("2026-07-07")
    assert series[4].target == day("2026-10-06")  # 91 days after 7 July


def test_a_short_maintenance_interval_keeps_its_window_after_the_last_session():
    rules = replace(FORTNIGHTLY, sessions=1, maintenance_interval_days=10, maintenance_count=1)
    series = plan_series(rules, day("2026-03-02"), {1: day("2026-03-02")})
    # Tolerance is capped at interval - 1 days, so the window never reaches back to the session itself.
    assert (series[1].earliest, series[1].target, series[1].latest) == (
        day("2026-03-03"),
        day("2026-03-12"),
        day("2026-03-21"),
    )


def test_a_window_wholly_on_closed_days_is_refused_with_the_session_named():
    rules = SeriesRules(sessions=3, interval_days=6, min_days=6, max_days=6, closed_weekdays=frozenset({MONDAY}))
    with pytest.raises(SeriesError) as refused:
        plan_series(rules, day("2026-03-03"))  # Tuesday + 6 days is a Monday
    assert str(refused.value) == (
        "Session 2: the clinic is closed on every day from 6 to 6 days after session 1. Widen the spacing."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"interval_days": 30}, "The interval must lie between the minimum and the maximum spacing."),
        ({"interval_days": 5}, "The interval must lie between the minimum and the maximum spacing."),
        ({"sessions": 0}, "A course needs at least one session."),
        ({"closed_weekdays": frozenset(range(7))}, "The clinic must be open on at least one day of the week."),
        ({"min_days": 0, "interval_days": 0}, "Sessions must be at least one day apart."),
        ({"maintenance_count": 2}, "Maintenance sessions need an interval."),
    ],
)
def test_bad_rules_are_explained(changes, message):
    rules = replace(FORTNIGHTLY, **changes)
    assert rules.problems() == [message]
    with pytest.raises(SeriesError, match=message):
        plan_series(rules, day("2026-03-02"))


def test_good_rules_have_no_problems():
    assert FORTNIGHTLY.problems() == []
    assert MAINTAINED.problems() == []


def test_every_problem_is_reported_at_once():
    rules = SeriesRules(sessions=0, interval_days=40, min_days=7, max_days=28, closed_weekdays=frozenset(range(7)))
    assert len(rules.problems()) == 3
