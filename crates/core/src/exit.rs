//! The exit codes every binary uses, one per outcome (`shared/DESIGN.md` section 9). They are
//! printed by `--help` and listed in the README; tests assert them.

use crate::http::FailureClass;

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Outcome {
    /// Everything succeeded.
    Success = 0,
    /// Some work failed; the rest succeeded (some rows, some components).
    Partial = 1,
    /// The command line was wrong.
    Usage = 2,
    /// `config.json` (or an environment override) is invalid.
    Config = 3,
    /// A credential was refused or could not be read.
    Auth = 4,
    /// A service stayed unavailable after every retry.
    Unavailable = 5,
    /// A guard stopped the run before it wrote anything.
    Guard = 6,
    /// Another run of the same dataset holds the lock.
    Locked = 7,
    /// The sync succeeded but sites need review (only with `--fail-on-review`).
    Review = 8,
    /// A check found differences: Notion against the sources (`--validate`), against a
    /// backup (`notion-export --verify`) or against the expected schema
    /// (`setup-databases --verify`).
    Mismatch = 9,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The outcome's name in reports, run history and JSON (`success`, `partial`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Partial => "partial",
            Outcome::Usage => "usage",
            Outcome::Config => "config",
            Outcome::Auth => "auth",
            Outcome::Unavailable => "unavailable",
            Outcome::Guard => "guard",
            Outcome::Locked => "locked",
            Outcome::Review => "review",
            Outcome::Mismatch => "mismatch",
        }
    }

    /// The outcome whose exit code is `code` (an unknown code is a partial failure).
    pub fn from_code(code: u8) -> Self {
        [
            Outcome::Success,
            Outcome::Partial,
            Outcome::Usage,
            Outcome::Config,
            Outcome::Auth,
            Outcome::Unavailable,
            Outcome::Guard,
            Outcome::Locked,
            Outcome::Review,
            Outcome::Mismatch,
        ]
        .into_iter()
        .find(|o| o.code() == code)
        .unwrap_or(Outcome::Partial)
    }

    /// The outcome for an API failure of `class`.
    pub fn of_failure(class: FailureClass) -> Self {
        match class {
            FailureClass::Auth => Outcome::Auth,
            FailureClass::Unavailable => Outcome::Unavailable,
            FailureClass::Other => Outcome::Partial,
        }
    }
}

/// The table for `--help` and the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  partial failure: some rows or components failed
  2  usage error: bad flags or arguments
  3  configuration error: config.json or an environment override is invalid
  4  authentication failure: a credential was refused or is missing
  5  upstream unavailable after retries (Notion, UniFi, NinjaOne)
  6  guard tripped: implausible source data or too large a change; nothing written
  7  locked: another run of the same dataset is in progress
  8  sites need review (only with --fail-on-review)
  9  mismatch: a verification found differences (--validate, --verify)";

impl From<Outcome> for std::process::ExitCode {
    fn from(outcome: Outcome) -> Self {
        std::process::ExitCode::from(outcome.code())
    }
}
