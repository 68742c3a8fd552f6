use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::deadline::{
    DeadlineKind, DeadlineRule, Remaining, due_at, due_date, extend, paused_due, plural_ru,
    remaining,
};

const MOSCOW: Tz = chrono_tz::Europe::Moscow;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap()
}

const WORKING_10: DeadlineRule = DeadlineRule {
    days: 10,
    kind: DeadlineKind::WorkingDays,
};
const CALENDAR_30: DeadlineRule = DeadlineRule {
    days: 30,
    kind: DeadlineKind::CalendarDays,
};

#[test]
fn calendar_days_landing_on_a_holiday_move_to_the_next_working_day() {
    let cal = ProductionCalendar::russian_federal();
    // 30 days after 9 December 2025 is 8 January 2026, a holiday; the 9th is a
    // transferred day off, the 10th–11th a weekend: Monday 12 January.
    assert_eq!(
        due_date(utc(2025, 12, 9, 9, 0), MOSCOW, CALENDAR_30, &cal),
        d(2026, 1, 12)
    );
    // An ordinary case: 30 days after Monday 2 March 2026 is Wednesday 1 April.
    assert_eq!(
        due_date(utc(2026, 3, 2, 9, 0), MOSCOW, CALENDAR_30, &cal),
        d(2026, 4, 1)
    );
}

#[test]
fn working_days_skip_the_new_year_and_may_holidays() {
    let cal = ProductionCalendar::russian_federal();
    // From Thursday 25 December 2025: 26, 29, 30 December (the 31st is a day off),
    // then 12–16, 19 and 20 January.
    assert_eq!(
        due_date(utc(2025, 12, 25, 9, 0), MOSCOW, WORKING_10, &cal),
        d(2026, 1, 20)
    );
    // From Wednesday 29 April 2026: 30 April, 4–8 May (May 1 holiday, weekend 2–3),
    // 11 May is a transferred day off from 9 May (Saturday): 12–15 May.
    assert_eq!(
        due_date(utc(2026, 4, 29, 9, 0), MOSCOW, WORKING_10, &cal),
        d(2026, 5, 15)
    );
}

#[test]
fn the_local_date_of_receipt_decides_across_time_zones() {
    let cal = ProductionCalendar::russian_federal();
    // 13:30 UTC on Friday 6 March 2026 is already Saturday 7 March 01:30 in Kamchatka,
    // still Friday 15:30 in Kaliningrad.
    let at = utc(2026, 3, 6, 13, 30);
    let kamchatka = due_date(at, chrono_tz::Asia::Kamchatka, WORKING_10, &cal);
    let kaliningrad = due_date(at, chrono_tz::Europe::Kaliningrad, WORKING_10, &cal);
    assert_eq!(
        kaliningrad,
        d(2026, 3, 23),
        "from Friday: 10 working days, 9 March is a day off"
    );
    assert_eq!(
        kamchatka,
        d(2026, 3, 23),
        "from Saturday the count starts on the same Monday"
    );
    let one_day = DeadlineRule {
        days: 1,
        kind: DeadlineKind::CalendarDays,
    };
    assert_eq!(
        due_date(at, chrono_tz::Europe::Kaliningrad, one_day, &cal),
        d(2026, 3, 10),
        "Saturday 7th → next working day"
    );
    // A message at 23:30 Moscow time on the 31st counts from the 31st.
    let late = utc(2026, 3, 31, 20, 30);
    assert_eq!(due_date(late, MOSCOW, one_day, &cal), d(2026, 4, 1));
    assert_eq!(
        due_date(late, chrono_tz::Asia::Vladivostok, one_day, &cal),
        d(2026, 4, 2)
    );
}

#[test]
fn due_at_is_the_end_of_the_local_day() {
    let end = due_at(d(2026, 3, 30), MOSCOW);
    assert_eq!(
        end,
        Utc.with_ymd_and_hms(2026, 3, 30, 20, 59, 59).unwrap()
            + chrono::Duration::milliseconds(999)
    );
}

#[test]
fn pauses_and_extensions_move_the_due_date() {
    let cal = ProductionCalendar::russian_federal();
    let due = d(2026, 3, 30);
    let paused = paused_due(
        due,
        utc(2026, 3, 17, 9, 0),
        utc(2026, 3, 20, 9, 0),
        MOSCOW,
        DeadlineKind::CalendarDays,
        &cal,
    );
    assert_eq!(paused, d(2026, 4, 2));
    let paused = paused_due(
        due,
        utc(2026, 3, 20, 9, 0),
        utc(2026, 3, 23, 9, 0),
        MOSCOW,
        DeadlineKind::WorkingDays,
        &cal,
    );
    assert_eq!(
        paused,
        d(2026, 3, 31),
        "Friday to Monday is one working day"
    );
    assert_eq!(extend(due, CALENDAR_30, &cal), d(2026, 4, 29));
}

#[test]
fn remaining_time_reads_in_russian_with_plurals() {
    let cal = ProductionCalendar::russian_federal();
    let due = d(2026, 3, 30);
    let at = |day| utc(2026, 3, day, 9, 0);
    assert_eq!(
        remaining(at(25), due, MOSCOW, DeadlineKind::WorkingDays, &cal),
        Remaining::DaysLeft {
            days: 3,
            working: true
        }
    );
    assert_eq!(
        remaining(at(25), due, MOSCOW, DeadlineKind::WorkingDays, &cal).label_ru(),
        "осталось 3 рабочих дня"
    );
    assert_eq!(
        remaining(at(27), due, MOSCOW, DeadlineKind::WorkingDays, &cal).label_ru(),
        "остался 1 рабочий день"
    );
    assert_eq!(
        remaining(at(20), due, MOSCOW, DeadlineKind::WorkingDays, &cal).label_ru(),
        "осталось 6 рабочих дней"
    );
    assert_eq!(
        remaining(at(28), due, MOSCOW, DeadlineKind::CalendarDays, &cal).label_ru(),
        "осталось 2 дня"
    );
    assert_eq!(
        remaining(at(30), due, MOSCOW, DeadlineKind::CalendarDays, &cal).label_ru(),
        "срок сегодня"
    );
    let late = remaining(
        utc(2026, 4, 1, 9, 0),
        due,
        MOSCOW,
        DeadlineKind::CalendarDays,
        &cal,
    );
    assert_eq!(late.label_ru(), "просрочено на 2 дня");
    assert_eq!(late.label_en(), "overdue by 2 days");
    assert_eq!(
        remaining(at(27), due, MOSCOW, DeadlineKind::WorkingDays, &cal).label_en(),
        "1 working day left"
    );
    for (n, word) in [
        (1, "день"),
        (2, "дня"),
        (5, "дней"),
        (11, "дней"),
        (21, "день"),
        (22, "дня"),
        (111, "дней"),
    ] {
        assert_eq!(plural_ru(n, "день", "дня", "дней"), word, "{n}");
    }
}
