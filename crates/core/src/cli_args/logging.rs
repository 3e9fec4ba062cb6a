//! Logging set-up: `-v`/`-vv` for more, `-q`/`-qq` for less, `--log-format json` for log
//! collectors, and `RUST_LOG` over all of them. Logs go to stderr; stdout is for data.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (colour only on a terminal).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The logging flags of every binary.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LogArgs {
    /// More log output (-v debug, -vv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Less log output (-q warnings and errors only, -qq errors only).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "verbose")]
    pub quiet: u8,
    /// Log line format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

impl LogArgs {
    /// The filter these flags ask for, used when `RUST_LOG` is unset.
    pub fn directive(&self) -> &'static str {
        match (self.verbose, self.quiet) {
            (0, 0) => "info,hyper=warn,reqwest=warn,azure_core=warn,azure_identity=warn",
            (1, _) => "debug,hyper=info,h2=info,rustls=info",
            (_, 0) if self.verbose >= 2 => "trace",
            (_, 1) => "warn",
            _ => "error",
        }
    }
}

/// Installs the global subscriber; a second call (tests) is ignored.
pub fn init_logging(args: &LogArgs) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(args.directive()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match args.log_format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
