//! A calendar date without a clock: parsing `YYYY-MM-DD`, day arithmetic for
//! the 7-day rule, and the conversions from spreadsheet serial numbers. The
//! core never reads today's date; callers pass it in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A day in the proleptic Gregorian calendar, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// A date from its parts, or `None` when the day does not exist.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`: four digits, two, two (surrounding
    /// spaces allowed). `26-03-10` (a year 26?), `2026-3-5` and
    /// `+2026-03-10` are refused rather than guessed at.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes.iter().enumerate().all(|(idx, byte)| match idx {
                4 | 7 => *byte == b'-',
                _ => byte.is_ascii_digit(),
            });
        if !shape_ok {
            return None;
        }
        let year = text.get(0..4)?.parse::<i32>().ok()?;
        let month = text.get(5..7)?.parse::<u32>().ok()?;
        let day = text.get(8..10)?.parse::<u32>().ok()?;
        Date::new(year, month, day)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    pub fn day(self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it). Howard Hinnant's
    /// `days_from_civil`, exact for every representable date.
    pub fn days_since_epoch(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, or `None` outside years 1-9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            i32::try_from(year).ok()?,
            u32::try_from(month).ok()?,
            u32::try_from(day).ok()?,
        )
    }

    /// A spreadsheet serial day number (1900 date system: day 25569 is
    /// 1970-01-01); the time of day is dropped.
    pub fn from_spreadsheet_serial(serial: f64) -> Option<Date> {
        if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
            return None;
        }
        // The cast is in range: checked just above.
        Date::from_days_since_epoch(serial.floor() as i64 - 25_569)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(text: String) -> Result<Date, String> {
        Date::parse(&text).ok_or_else(|| format!("'{text}' is not a date; write it as YYYY-MM-DD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_rejects() {
        fn check(text: &str, expect: Option<(i32, u32, u32)>) {
            let got = Date::parse(text).map(|d| (d.year(), d.month(), d.day()));
            assert_eq!(got, expect, "{text}");
        }
        check("2024-02-29", Some((2024, 2, 29)));
        check(" 2026-11-30 ", Some((2026, 11, 30)));
        check("2023-02-29", None);
        check("2024-13-01", None);
        check("2024-00-10", None);
        check("30/11/2026", None);
        check("", None);
        // Only YYYY-MM-DD, as documented (issue 14): no short years, no
        // single digits, no sign.
        check("2024-1-5", None);
        check("26-03-10", None);
        check("2026-3-5", None);
        check("+2026-03-10", None);
        check("2026-03-10x", None);
        check("2026/03/10", None);
        check("0026-03-10", Some((26, 3, 10)));
    }

    #[test]
    fn epoch_and_serials() {
        assert_eq!(
            Date::parse("1970-01-01").map(Date::days_since_epoch),
            Some(0)
        );
        assert_eq!(
            Date::parse("2000-03-01").map(Date::days_since_epoch),
            Some(11_017)
        );
        // 45943 is 2025-10-13 in the 1900 system (calamine's own example).
        assert_eq!(
            Date::from_spreadsheet_serial(45_943.5),
            Date::parse("2025-10-13")
        );
        assert_eq!(Date::from_spreadsheet_serial(f64::NAN), None);
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -700_000i64..2_900_000) {
            let date = Date::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(Date::parse(&date.to_string()), Some(date));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,20}") {
            let _ = Date::parse(&text);
        }
    }
}
