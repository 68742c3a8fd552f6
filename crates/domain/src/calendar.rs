//! The Russian production calendar: which days are working days.
//!
//! The federal calendar for 2025–2027 ships with the binary (public decrees,
//! see data/calendar/README.md). Outside the covered years the plain rule
//! applies — Saturdays and Sundays off — until an administrator adds the
//! year's decree; regional holidays are added the same way.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

const FEDERAL_CSV: &str = include_str!("../data/calendar/ru-2025-2027.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    Holiday,
    TransferredDayOff,
    WorkingWeekend,
    ShortDay,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::TransferredDayOff => "transferred_day_off",
            Self::WorkingWeekend => "working_weekend",
            Self::ShortDay => "short_day",
        }
    }

    pub const ALL: [Self; 4] = [
        Self::Holiday,
        Self::TransferredDayOff,
        Self::WorkingWeekend,
        Self::ShortDay,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Holiday => "Нерабочий праздничный день",
            Self::TransferredDayOff => "Выходной (перенос)",
            Self::WorkingWeekend => "Рабочий день в выходной (перенос)",
            Self::ShortDay => "Сокращённый предпраздничный день",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Holiday => "Public holiday",
            Self::TransferredDayOff => "Day off (moved)",
            Self::WorkingWeekend => "Working day on a weekend (moved)",
            Self::ShortDay => "Shortened day before a holiday",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("calendar line {line}: {reason}")]
pub struct CalendarError {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ProductionCalendar {
    days: Vec<SpecialDay>,
    /// Whether a special date is a day off (true) or a working day (false).
    off: BTreeMap<NaiveDate, bool>,
}

/// Splits one CSV line into fields (RFC 4180 quoting).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

impl ProductionCalendar {
    pub fn russian_federal() -> Self {
        // The embedded file is checked by the tests; were it broken, fall back
        // to the plain weekend rule rather than refuse to start.
        Self::from_csv(FEDERAL_CSV).unwrap_or_default()
    }

    pub fn from_csv(text: &str) -> Result<Self, CalendarError> {
        let mut days = Vec::new();
        for (index, line) in text.lines().enumerate().skip(1) {
            let line_no = index + 1;
            if line.trim().is_empty() {
                continue;
            }
            let fields = csv_fields(line);
            let err = |reason: String| CalendarError {
                line: line_no,
                reason,
            };
            if fields.len() < 2 {
                return Err(err("expected date,kind,note".into()));
            }
            let date = NaiveDate::parse_from_str(fields[0].trim(), "%Y-%m-%d")
                .map_err(|e| err(format!("bad date {:?}: {e}", fields[0])))?;
            let kind = DayKind::parse(fields[1].trim())
                .ok_or_else(|| err(format!("unknown kind {:?}", fields[1])))?;
            days.push(SpecialDay {
                date,
                kind,
                note: fields.get(2).cloned().unwrap_or_default(),
            });
        }
        Ok(Self::from_days(days))
    }

    pub fn from_days(days: impl IntoIterator<Item = SpecialDay>) -> Self {
        Self::default().with_days(days)
    }

    pub fn days(&self) -> impl Iterator<Item = &SpecialDay> {
        self.days.iter()
    }

    /// Adds days (regional holidays, a new year's decree); later entries for a
    /// date override earlier ones.
    #[must_use]
    pub fn with_days(mut self, extra: impl IntoIterator<Item = SpecialDay>) -> Self {
        for day in extra {
            match day.kind {
                DayKind::Holiday | DayKind::TransferredDayOff => {
                    self.off.insert(day.date, true);
                }
                DayKind::WorkingWeekend => {
                    self.off.insert(day.date, false);
                }
                // A shortened day is still a working day.
                DayKind::ShortDay => {}
            }
            self.days.push(day);
        }
        self
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.off.get(&d) {
            Some(off) => !off,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    pub fn next_working_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while !self.is_working_day(day) {
            day += Duration::days(1);
        }
        day
    }

    /// The n-th working day after `from`; for n = 0, `from` itself if it is a
    /// working day, else the next one.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return self.next_working_day_on_or_after(from);
        }
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in (from, to]; negative when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = 0;
        let mut day = from;
        while day < to {
            day += Duration::days(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}
