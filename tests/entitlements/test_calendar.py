"""entitlements.calendar: working days in England and Wales and the deadlines counted from them.

Every expected deadline here is written out by hand from a known calendar (weekdays, bank
holidays, clock changes), never worked out by the code under test.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from entitlements import calendar

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def london(y, m, d, hh=0, mm=0, ss=0):
    return datetime.datetime(y, m, d, hh, mm, ss, tzinfo=LONDON)


def utc(y, m, d, hh=0, mm=0, ss=0):
    return datetime.datetime(y, m, d, hh, mm, ss, tzinfo=UTC)


def end_of(y, m, d):
    """23:59:59 London time on a day, as the engine must store it (an aware datetime)."""
    return london(y, m, d, 23, 59, 59)


# --- what a working day is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2026, 3, 13), True),  # Friday
        (datetime.date(2026, 3, 14), False),  # Saturday
        (datetime.date(2026, 3, 15), False),  # Sunday
        (datetime.date(2026, 4, 3), False),  # Good Friday
        (datetime.date(2026, 4, 6), False),  # Easter Monday
        (datetime.date(2026, 5, 4), False),  # Early May bank holiday
        (datetime.date(2026, 12, 28), False),  # Boxing Day substitute (Boxing Day is a Saturday)
        (datetime.date(2027, 12, 27), False),  # Christmas Day substitute
        (datetime.date(2027, 12, 28), False),  # Boxing Day substitute
        (datetime.date(2027, 12, 29), True),  # Wednesday after the substitutes
        (datetime.date(2026, 11, 30), True),  # St Andrew's Day: a holiday in Scotland only
    ],
)
def test_working_days_are_weekdays_less_england_and_wales_bank_holidays(day, working):
    assert calendar.is_working_day(day) is working


def test_bank_holiday_gives_the_name_of_the_day():
    assert calendar.bank_holiday(datetime.date(2026, 4, 3)) == "Good Friday"
    assert "observed" in calendar.bank_holiday(datetime.date(2026, 12, 28)).lower()
    assert calendar.bank_holiday(datetime.date(2026, 4, 7)) is None


# --- "within N working days" ---------------------------------------------------------------------


def test_friday_evening_event_with_one_working_day_is_due_at_the_end_of_monday():
    due = calendar.working_days_after(london(2026, 3, 13, 19, 30), 1)  # Friday, GMT
    assert due.due_at == end_of(2026, 3, 16)
    assert due.due_at == utc(2026, 3, 16, 23, 59, 59)
    assert due.working_days == [datetime.date(2026, 3, 16)]
    assert due.skipped == [
        (datetime.date(2026, 3, 14), "Saturday"),
        (datetime.date(2026, 3, 15), "Sunday"),
    ]


def test_the_day_of_the_trigger_never_counts_however_early():
    due = calendar.working_days_after(
        london(2026, 3, 10, 0, 0, 1), 1
    )  # Tuesday just after midnight
    assert due.due_at == end_of(2026, 3, 11)


def test_five_working_days_from_a_friday_is_the_next_friday():
    due = calendar.working_days_after(london(2026, 3, 13, 17, 0), 5)
    assert due.due_at == end_of(2026, 3, 20)
    assert len(due.working_days) == 5


def test_thursday_before_easter_skips_good_friday_the_weekend_and_easter_monday():
    due = calendar.working_days_after(london(2026, 4, 2, 16, 0), 1)  # Thursday
    assert due.due_at == end_of(2026, 4, 7)  # Tuesday
    assert due.working_days == [datetime.date(2026, 4, 7)]
    assert due.skipped == [
        (datetime.date(2026, 4, 3), "Good Friday"),
        (datetime.date(2026, 4, 4), "Saturday"),
        (datetime.date(2026, 4, 5), "Sunday"),
        (datetime.date(2026, 4, 6), "Easter Monday"),
    ]
    assert calendar.working_days_after(london(2026, 4, 2, 16, 0), 5).due_at == end_of(2026, 4, 13)


def test_christmas_eve_2026_skips_christmas_boxing_day_and_its_monday_substitute():
    eve = london(2026, 12, 24, 10, 0)  # Thursday
    due = calendar.working_days_after(eve, 1)
    assert due.due_at == end_of(2026, 12, 29)  # Tuesday
    skipped = [day for day, _ in due.skipped]
    assert skipped == [
        datetime.date(2026, 12, 25),
        datetime.date(2026, 12, 26),
        datetime.date(2026, 12, 27),
        datetime.date(2026, 12, 28),
    ]
    # New Year's Day 2027 is a Friday: Tue 29, Wed 30, Thu 31 Dec, Mon 4, Tue 5 Jan.
    assert calendar.working_days_after(eve, 5).due_at == end_of(2027, 1, 5)
    assert calendar.working_days_after(eve, 10).due_at == end_of(2027, 1, 12)


def test_substitute_days_for_christmas_and_boxing_day_on_a_weekend_are_not_working_days():
    # Christmas Day 2027 is a Saturday, Boxing Day a Sunday: Mon 27 and Tue 28 are substitutes.
    due = calendar.working_days_after(london(2027, 12, 24, 12, 0), 1)  # Friday
    assert due.due_at == end_of(2027, 12, 29)
    assert [day for day, _ in due.skipped] == [
        datetime.date(2027, 12, 25),
        datetime.date(2027, 12, 26),
        datetime.date(2027, 12, 27),
        datetime.date(2027, 12, 28),
    ]


def test_zero_working_days_is_the_end_of_the_day_of_the_trigger_even_on_a_holiday():
    assert calendar.working_days_after(london(2026, 3, 13, 9, 0), 0).due_at == end_of(2026, 3, 13)
    due = calendar.working_days_after(london(2026, 12, 25, 9, 0), 0)
    assert due.due_at == end_of(2026, 12, 25)
    assert due.working_days == []
    assert due.skipped == []


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        calendar.working_days_after(london(2026, 3, 13), -1)


def test_late_evening_utc_that_is_already_the_next_day_in_london_counts_from_the_london_day():
    trigger = utc(2026, 6, 30, 23, 30)  # 00:30 on Wednesday 1 July in London (BST)
    assert calendar.working_days_after(trigger, 0).due_at == end_of(2026, 7, 1)
    due = calendar.working_days_after(trigger, 1)
    assert due.due_at == end_of(2026, 7, 2)  # Thursday, not Wednesday
    assert due.due_at == utc(2026, 7, 2, 22, 59, 59)


def test_a_trigger_given_in_utc_just_before_midnight_in_winter_is_the_same_london_day():
    trigger = utc(2026, 1, 15, 23, 30)  # 23:30 on Thursday 15 January in London (GMT)
    assert calendar.working_days_after(trigger, 1).due_at == utc(2026, 1, 16, 23, 59, 59)


def test_across_the_spring_clock_change_the_deadline_is_still_23_59_59_london_time():
    # Clocks go forward on Sunday 29 March 2026: Friday 27 is GMT, Monday 30 is BST.
    due = calendar.working_days_after(london(2026, 3, 27, 18, 0), 1)
    assert due.due_at == end_of(2026, 3, 30)
    assert due.due_at == utc(2026, 3, 30, 22, 59, 59)
    assert due.due_at.astimezone(LONDON).time() == datetime.time(23, 59, 59)


def test_across_the_autumn_clock_change_the_deadline_is_still_23_59_59_london_time():
    # Clocks go back on Sunday 25 October 2026: Friday 23 is BST, Monday 26 is GMT.
    due = calendar.working_days_after(london(2026, 10, 23, 18, 0), 1)
    assert due.due_at == end_of(2026, 10, 26)
    assert due.due_at == utc(2026, 10, 26, 23, 59, 59)


def test_a_zero_day_deadline_on_the_day_the_clocks_change():
    assert calendar.working_days_after(london(2026, 3, 29, 12, 0), 0).due_at == utc(
        2026, 3, 29, 22, 59, 59
    )
    assert calendar.working_days_after(london(2026, 10, 25, 12, 0), 0).due_at == utc(
        2026, 10, 25, 23, 59, 59
    )


def test_deadlines_are_returned_in_utc():
    due = calendar.working_days_after(london(2026, 7, 3, 12, 0), 1)
    assert due.due_at.utcoffset() == datetime.timedelta(0)


# --- clocks in hours -----------------------------------------------------------------------------


def test_hours_after_is_elapsed_hours_not_working_days():
    due = calendar.hours_after(london(2026, 3, 13, 18, 0), 24)  # Friday evening
    assert due.due_at == utc(2026, 3, 14, 18, 0)  # Saturday: no working days here
    assert due.working_days == []


def test_hours_after_counts_real_hours_across_the_clock_change():
    # 24 real hours from 12:00 GMT on Saturday 28 March is 13:00 BST on Sunday 29 March.
    due = calendar.hours_after(london(2026, 3, 28, 12, 0), 24)
    assert due.due_at == utc(2026, 3, 29, 12, 0)
    assert due.due_at.astimezone(LONDON).hour == 13
    # And from 12:00 BST on Saturday 24 October to 11:00 GMT on Sunday 25 October.
    due = calendar.hours_after(london(2026, 10, 24, 12, 0), 24)
    assert due.due_at == utc(2026, 10, 25, 11, 0)
    assert due.due_at.astimezone(LONDON).hour == 11


# --- the region is a setting ---------------------------------------------------------------------


def test_the_working_day_region_setting_is_consulted(settings):
    # 2 January is a bank holiday in Scotland, not in England and Wales.
    new_years_eve = london(2025, 12, 31, 12, 0)  # Wednesday; Thursday 1 January is a holiday
    settings.WORKING_DAY_REGION = "ENG"
    assert calendar.working_days_after(new_years_eve, 1).due_at == end_of(2026, 1, 2)
    assert calendar.is_working_day(datetime.date(2026, 11, 30))
    settings.WORKING_DAY_REGION = "SCT"
    assert calendar.bank_holiday(datetime.date(2026, 1, 2)) is not None
    assert calendar.working_days_after(new_years_eve, 1).due_at == end_of(2026, 1, 5)
    assert not calendar.is_working_day(datetime.date(2026, 11, 30))  # St Andrew's Day
    settings.WORKING_DAY_REGION = "ENG"
    assert calendar.working_days_after(new_years_eve, 1).due_at == end_of(2026, 1, 2)
