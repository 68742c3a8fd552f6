//! Deadlines: counted in the region's local dates, in calendar or working
//! days, starting the day after receipt; a last day that is not a working day
//! moves to the next working day (art. 193 of the Civil Code).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::ProductionCalendar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    CalendarDays,
    WorkingDays,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CalendarDays => "calendar_days",
            Self::WorkingDays => "working_days",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::CalendarDays, Self::WorkingDays]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRule {
    pub days: u32,
    pub kind: DeadlineKind,
}

fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

fn add(cal: &ProductionCalendar, from: NaiveDate, rule: DeadlineRule) -> NaiveDate {
    match rule.kind {
        DeadlineKind::CalendarDays => {
            cal.next_working_day_on_or_after(from + Duration::days(i64::from(rule.days)))
        }
        DeadlineKind::WorkingDays => cal.add_working_days(from, rule.days),
    }
}

pub fn due_date(
    received_at: DateTime<Utc>,
    tz: Tz,
    rule: DeadlineRule,
    cal: &ProductionCalendar,
) -> NaiveDate {
    add(cal, local_date(received_at, tz), rule)
}

/// The end of the due day in the region, as an instant.
pub fn due_at(due_date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next_midnight = due_date
        .succ_opt()
        .unwrap_or(due_date)
        .and_time(NaiveTime::MIN);
    let local = tz
        .from_local_datetime(&next_midnight)
        .earliest()
        .unwrap_or_else(|| tz.from_utc_datetime(&next_midnight));
    local.with_timezone(&Utc) - Duration::milliseconds(1)
}

/// An extension counted from the current due date.
pub fn extend(current_due: NaiveDate, extra: DeadlineRule, cal: &ProductionCalendar) -> NaiveDate {
    add(cal, current_due, extra)
}

/// The due date after a pause: shifted by the days the clock stood still.
pub fn paused_due(
    due: NaiveDate,
    paused_from: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
    tz: Tz,
    kind: DeadlineKind,
    cal: &ProductionCalendar,
) -> NaiveDate {
    let (from, to) = (local_date(paused_from, tz), local_date(resumed_at, tz));
    match kind {
        DeadlineKind::CalendarDays => due + Duration::days((to - from).num_days().max(0)),
        DeadlineKind::WorkingDays => {
            let paused = cal.working_days_between(from, to).max(0);
            cal.add_working_days(due, u32::try_from(paused).unwrap_or(u32::MAX))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remaining {
    DaysLeft { days: i64, working: bool },
    DueToday,
    Overdue { days: i64 },
}

pub fn remaining(
    now: DateTime<Utc>,
    due: NaiveDate,
    tz: Tz,
    kind: DeadlineKind,
    cal: &ProductionCalendar,
) -> Remaining {
    let today = local_date(now, tz);
    if today == due {
        return Remaining::DueToday;
    }
    if today > due {
        return Remaining::Overdue {
            days: (today - due).num_days(),
        };
    }
    match kind {
        DeadlineKind::CalendarDays => Remaining::DaysLeft {
            days: (due - today).num_days(),
            working: false,
        },
        DeadlineKind::WorkingDays => Remaining::DaysLeft {
            days: cal.working_days_between(today, due),
            working: true,
        },
    }
}

/// The Russian plural form for `n`: one (1, 21), few (2–4, 22–24), many.
pub fn plural_ru<'a>(n: i64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let n = n.abs();
    match (n % 10, n % 100) {
        (1, r) if r != 11 => one,
        (2..=4, r) if !(12..=14).contains(&r) => few,
        _ => many,
    }
}

impl Remaining {
    pub fn label_ru(&self) -> String {
        match *self {
            Remaining::DueToday => "срок сегодня".into(),
            Remaining::Overdue { days } => format!(
                "просрочено на {days} {}",
                plural_ru(days, "день", "дня", "дней")
            ),
            Remaining::DaysLeft {
                days,
                working: true,
            } => format!(
                "{} {days} {}",
                plural_ru(days, "остался", "осталось", "осталось"),
                plural_ru(days, "рабочий день", "рабочих дня", "рабочих дней")
            ),
            Remaining::DaysLeft {
                days,
                working: false,
            } => format!(
                "{} {days} {}",
                plural_ru(days, "остался", "осталось", "осталось"),
                plural_ru(days, "день", "дня", "дней")
            ),
        }
    }

    pub fn label_en(&self) -> String {
        let s = |n: i64| if n == 1 { "" } else { "s" };
        match *self {
            Remaining::DueToday => "due today".into(),
            Remaining::Overdue { days } => format!("overdue by {days} day{}", s(days)),
            Remaining::DaysLeft {
                days,
                working: true,
            } => format!("{days} working day{} left", s(days)),
            Remaining::DaysLeft {
                days,
                working: false,
            } => format!("{days} day{} left", s(days)),
        }
    }
}
