//! Calendar arithmetic for the dates the editions state (EPUB metadata, zip
//! entries, PDF creation date), without a clock.

/// A UTC date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year (proleptic Gregorian).
    pub year: i64,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
    /// 0–59.
    pub second: u32,
}

impl Civil {
    /// The UTC date and time of a Unix timestamp (Howard Hinnant's
    /// days-to-civil algorithm).
    pub fn from_timestamp(timestamp: i64) -> Civil {
        let days = timestamp.div_euclid(86_400);
        let seconds = timestamp.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            hour: seconds / 3600,
            minute: seconds / 60 % 60,
            second: seconds % 60,
        }
    }

    /// The Unix timestamp of midnight UTC at the start of a date given as
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (already validated by `config`).
    pub fn parse_date(text: &str) -> Option<i64> {
        let mut parts = text.split('-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: i64 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
        let day: i64 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
        // days-from-civil, the inverse of the above.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some((era * 146_097 + doe - 719_468) * 86_400)
    }

    /// `2020-09-30T21:53:10Z`, as `dcterms:modified` wants it.
    pub fn iso8601(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2020-09-30`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(Civil::from_timestamp(0).iso8601(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Civil::from_timestamp(1_601_502_790).iso8601(),
            "2020-09-30T21:53:10Z"
        );
        assert_eq!(Civil::from_timestamp(951_782_400).date(), "2000-02-29");
        assert_eq!(Civil::parse_date("2020-09-30"), Some(1_601_424_000));
        assert_eq!(Civil::parse_date("2000-03"), Some(951_868_800));
        assert_eq!(Civil::from_timestamp(-1).iso8601(), "1969-12-31T23:59:59Z");
    }
}
