//! The flags every sync binary shares ([`SyncArgs`]), and the check that refuses a flag that
//! means nothing to a dataset with a usage error that says why.

use chrono::NaiveDate;

use super::{ConfigArgs, LogArgs};

/// The shared flags of the sync binaries.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// Re-examine every row and source record, ignoring checkpoints; pages that duplicate a
    /// key are moved to the trash.
    #[arg(long)]
    pub full_sync: bool,
    /// Write into this Notion database instead of the one config.json names (a rebuilt
    /// database, for example).
    #[arg(long, visible_alias = "target", value_name = "ID")]
    pub database_id: Option<String>,
    /// First local date to sync, inclusive (YYYY-MM-DD, business time zone).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub start_date: Option<NaiveDate>,
    /// Last local date to sync, inclusive (YYYY-MM-DD; not in the future).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub end_date: Option<NaiveDate>,
    /// Only this site: its UniFi site id or its exact display name.
    #[arg(long, value_name = "ID|NAME")]
    pub site: Option<String>,
    /// Print the plan with each field's value before and after; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Go ahead although a guard tripped (too few source records, too large a change).
    #[arg(long)]
    pub force: bool,
    /// Print the run report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Exit with code 8 when sites need review.
    #[arg(long)]
    pub fail_on_review: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub log: LogArgs,
}

/// A shared flag, for the per-dataset refusal table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncFlag {
    /// `--full-sync`.
    FullSync,
    /// `--start-date` or `--end-date`.
    Dates,
    /// `--site`.
    Site,
    /// `--fail-on-review`.
    FailOnReview,
}

impl SyncArgs {
    /// Whether `flag` was given.
    pub fn has(&self, flag: SyncFlag) -> bool {
        match flag {
            SyncFlag::FullSync => self.full_sync,
            SyncFlag::Dates => self.start_date.is_some() || self.end_date.is_some(),
            SyncFlag::Site => self.site.is_some(),
            SyncFlag::FailOnReview => self.fail_on_review,
        }
    }

    /// A usage error for the first flag of `refused` that was given, with its reason.
    pub fn refuse(&self, refused: &[(SyncFlag, &str)]) -> Result<(), String> {
        match refused.iter().find(|(flag, _)| self.has(*flag)) {
            Some((flag, why)) => Err(format!("{} has no meaning here: {why}", flag_name(*flag))),
            None => Ok(()),
        }
    }

    /// Checks the date range against `today` (the business time zone's date): start not
    /// after end, neither in the future.
    pub fn check_dates(&self, today: NaiveDate) -> Result<(), String> {
        for (flag, date) in [
            ("--start-date", self.start_date),
            ("--end-date", self.end_date),
        ] {
            if let Some(date) = date
                && date > today
            {
                return Err(format!(
                    "{flag} {date} is in the future (today is {today} in the business time \
                     zone)"
                ));
            }
        }
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && start > end
        {
            return Err(format!(
                "--start-date {start} is after --end-date {end}; the range is inclusive, \
                 start first"
            ));
        }
        Ok(())
    }
}

fn flag_name(flag: SyncFlag) -> &'static str {
    match flag {
        SyncFlag::FullSync => "--full-sync",
        SyncFlag::Dates => "--start-date/--end-date",
        SyncFlag::Site => "--site",
        SyncFlag::FailOnReview => "--fail-on-review",
    }
}

/// Parses `YYYY-MM-DD` strictly.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let shape = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    shape
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD, such as 2026-12-03"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_ordered_and_not_in_the_future() {
        assert!(parse_date("2026-12-03").is_ok());
        for bad in ["2026-2-3", "2026-02-30", "03/12/2026", "2026-12-03T00:00"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let args = |start: &str, end: &str| SyncArgs {
            start_date: parse_date(start).ok(),
            end_date: parse_date(end).ok(),
            ..SyncArgs::default()
        };
        assert!(args("2026-12-01", "2026-12-04").check_dates(today).is_ok());
        let err = args("2026-12-03", "2026-12-01")
            .check_dates(today)
            .unwrap_err();
        assert!(err.contains("after --end-date"), "{err}");
        let err = args("2026-12-01", "2026-12-05")
            .check_dates(today)
            .unwrap_err();
        assert!(err.contains("in the future"), "{err}");
    }

    #[test]
    fn a_flag_without_meaning_is_refused_with_its_reason() {
        let args = SyncArgs {
            fail_on_review: true,
            ..SyncArgs::default()
        };
        let err = args
            .refuse(&[(SyncFlag::FailOnReview, "alerts have no review")])
            .unwrap_err();
        assert_eq!(
            err,
            "--fail-on-review has no meaning here: alerts have no review"
        );
        assert!(args.refuse(&[(SyncFlag::Site, "x")]).is_ok());
    }
}
