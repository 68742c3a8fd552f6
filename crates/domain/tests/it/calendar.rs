use chrono::{Datelike, NaiveDate};
use vmeste_domain::calendar::{DayKind, ProductionCalendar, SpecialDay};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn every_covered_year_has_247_working_days() {
    let cal = ProductionCalendar::russian_federal();
    for year in 2025..=2027 {
        let days = d(year, 1, 1)
            .iter_days()
            .take_while(|x| x.year() == year)
            .filter(|x| cal.is_working_day(*x))
            .count();
        assert_eq!(days, 247, "{year}");
    }
}

#[test]
fn new_year_holidays_transfers_and_working_saturdays() {
    let cal = ProductionCalendar::russian_federal();
    for day in 1..=8 {
        assert!(!cal.is_working_day(d(2026, 1, day)), "2026-01-{day:02}");
    }
    // 2026-01-09 is a Friday made a day off (moved from Saturday 3 January).
    assert!(!cal.is_working_day(d(2026, 1, 9)));
    assert!(cal.is_working_day(d(2026, 1, 12)));
    // 2025-11-01 is a working Saturday before the 3–4 November break.
    assert!(cal.is_working_day(d(2025, 11, 1)));
    assert!(!cal.is_working_day(d(2025, 11, 3)));
    assert!(!cal.is_working_day(d(2025, 11, 4)));
    // A shortened day is still a working day.
    assert!(cal.is_working_day(d(2025, 3, 7)));
}

#[test]
fn outside_the_covered_years_weekends_are_off() {
    let cal = ProductionCalendar::russian_federal();
    assert!(
        cal.is_working_day(d(2030, 1, 1)),
        "no decree known for 2030 yet: a plain Tuesday"
    );
    assert!(!cal.is_working_day(d(2030, 1, 5)));
    let regional = cal.with_days([SpecialDay {
        date: d(2030, 1, 1),
        kind: DayKind::Holiday,
        note: String::new(),
    }]);
    assert!(!regional.is_working_day(d(2030, 1, 1)));
}

#[test]
fn counting_working_days() {
    let cal = ProductionCalendar::russian_federal();
    // 31 December 2025 is a day off (moved from Sunday 5 January 2025).
    assert_eq!(cal.add_working_days(d(2025, 12, 29), 1), d(2025, 12, 30));
    assert_eq!(cal.add_working_days(d(2025, 12, 30), 1), d(2026, 1, 12));
    assert_eq!(cal.add_working_days(d(2026, 1, 3), 0), d(2026, 1, 12));
    assert_eq!(cal.working_days_between(d(2025, 12, 30), d(2026, 1, 12)), 1);
    assert_eq!(
        cal.working_days_between(d(2026, 1, 12), d(2025, 12, 30)),
        -1
    );
    assert_eq!(
        cal.next_working_day_on_or_after(d(2026, 3, 8)),
        d(2026, 3, 10)
    );
}

#[test]
fn a_broken_csv_names_its_line() {
    let err = ProductionCalendar::from_csv(
        "date,kind,note\n2026-01-01,holiday,x\n2026-13-01,holiday,y\n",
    )
    .unwrap_err();
    assert_eq!(err.line, 3);
    let err = ProductionCalendar::from_csv("date,kind,note\n2026-01-01,party,x\n").unwrap_err();
    assert!(err.reason.contains("party"));
    let quoted =
        ProductionCalendar::from_csv("date,kind,note\n2026-01-02,holiday,\"a, \"\"b\"\"\"\n")
            .unwrap();
    assert_eq!(quoted.days().next().unwrap().note, "a, \"b\"");
}
