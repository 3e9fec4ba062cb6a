//! [`ConfigError`]: everything that can be wrong with `config.json` or with an
//! environment override, each error naming the file or variable, the field
//! and the fix.
//!
//! Messages are lowercase fragments that read after "failed to load config:",
//! followed by a `hint:` line. No message ever contains the value of a key
//! that looks like a secret.

use std::fmt;
use std::path::PathBuf;

use super::database::Dataset;

/// Where a rejected value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A field of a config file.
    File {
        /// The config file.
        path: PathBuf,
        /// The field, as a dotted path (`settings.guards.max_change_ratio`).
        field: String,
    },
    /// An environment variable that overrides a field (see [`super::ENV_OVERRIDES`]).
    Env {
        /// The variable's name.
        var: &'static str,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, field } => write!(f, "`{field}` in {}", path.display()),
            Origin::Env { var } => write!(f, "environment variable `{var}`"),
        }
    }
}

/// How the config file's path was chosen (shown when the file is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathOrigin {
    /// The `--config` flag.
    Flag,
    /// The `OBERACONNECT_CONFIG` environment variable.
    Env,
    /// Neither was given: `./config.json` in the working directory.
    Default,
}

impl fmt::Display for PathOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathOrigin::Flag => "given by --config",
            PathOrigin::Env => "given by OBERACONNECT_CONFIG",
            PathOrigin::Default => "the default, ./config.json in the working directory",
        })
    }
}

/// What is wrong with a value that has the right JSON type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not a Notion database id.
    DatabaseId,
    /// The same database id is given for two datasets.
    SameDatabase {
        /// The dataset that already uses the id.
        other: Dataset,
    },
    /// Not a UniFi site id.
    SiteId,
    /// The same site id (compared in lower case) is listed twice.
    DuplicateSite,
    /// Not a `YYYY-MM-DD` date.
    Date,
    /// Not an IANA time zone name.
    TimeZone,
    /// A share outside 0..=1.
    Ratio,
    /// Zero or negative where only positive numbers make sense.
    NotPositive,
    /// A health score outside 0..=100.
    Score,
    /// Not a whole percentage from 0 to 100.
    Percent,
    /// Not a URL at all.
    Url {
        /// The parser's reason.
        reason: String,
    },
    /// Plain `http` to a host that is not loopback.
    PlainHttp,
    /// A scheme other than `http` or `https`.
    Scheme,
    /// A URL with a user name or password in it (the value is not shown).
    UrlCredentials,
    /// A URL with a query or fragment, which a base URL cannot have.
    UrlQuery,
    /// A `Notion-Version` this toolkit does not speak.
    NotionVersion,
    /// Not a NinjaOne region key.
    Region,
    /// Not `true` or `false`.
    Bool,
    /// An empty string.
    Empty,
}

impl Problem {
    /// The fix, shown on the `hint:` line.
    pub fn hint(&self) -> String {
        match self {
            Problem::DatabaseId => "a Notion database id is 32 hex digits, with or without \
                dashes; copy it from the database's URL or from the output of setup-databases"
                .into(),
            Problem::SameDatabase { other } => format!(
                "each dataset needs its own database; `{}` already uses this id",
                other.key()
            ),
            Problem::SiteId => "a UniFi site id is 24 hex digits: the `siteId` of the site in \
                Site Manager (GET /v1/sites)"
                .into(),
            Problem::DuplicateSite => "keep one entry per site and merge the two".into(),
            Problem::Date => "write the date as YYYY-MM-DD, for example 2027-03-01".into(),
            Problem::TimeZone => {
                "use an IANA time zone name, for example America/Chicago or Europe/Berlin".into()
            }
            Problem::Ratio => "a share is a number from 0 to 1, for example 0.25".into(),
            Problem::NotPositive => "use a number greater than zero".into(),
            Problem::Score => "a health score is a whole number from 0 to 100".into(),
            Problem::Percent => "a percentage is a whole number from 0 to 100".into(),
            Problem::Url { .. } => "write a base URL such as https://api.notion.com".into(),
            Problem::PlainHttp => "use https; plain http is accepted only for loopback \
                (127.0.0.0/8, localhost, ::1), such as the simulator"
                .into(),
            Problem::Scheme => "use an https:// URL".into(),
            Problem::UrlCredentials => "remove the credentials from the URL; secrets belong in \
                the environment, .env or Azure Key Vault"
                .into(),
            Problem::UrlQuery => "remove the `?...` or `#...` part; a base URL is scheme, host, \
                optional port and optional path prefix"
                .into(),
            Problem::NotionVersion => format!(
                "use one of {} (the default is the first)",
                super::NotionVersion::ALL.map(|v| v.as_str()).join(", ")
            ),
            Problem::Region => "use one of app (or us), us2, eu, ca, oc, fed, or give the full \
                URL in `apis.ninjaone` / NINJAONE_API_URL"
                .into(),
            Problem::Bool => "use true or false".into(),
            Problem::Empty => "give a value or remove the key".into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::DatabaseId => f.write_str("is not a Notion database id"),
            Problem::SameDatabase { .. } => f.write_str("is already used by another dataset"),
            Problem::SiteId => f.write_str("is not a UniFi site id"),
            Problem::DuplicateSite => f.write_str("is listed twice"),
            Problem::Date => f.write_str("is not a date in the form YYYY-MM-DD"),
            Problem::TimeZone => f.write_str("is not a known time zone"),
            Problem::Ratio => f.write_str("is not between 0 and 1"),
            Problem::NotPositive => f.write_str("is not greater than zero"),
            Problem::Score | Problem::Percent => f.write_str("is not between 0 and 100"),
            Problem::Url { reason } => write!(f, "is not a URL ({reason})"),
            Problem::PlainHttp => f.write_str("uses plain http to a host that is not loopback"),
            Problem::Scheme => f.write_str("is neither an https nor an http URL"),
            Problem::UrlCredentials => f.write_str("contains a user name or password"),
            Problem::UrlQuery => f.write_str("has a query or fragment"),
            Problem::NotionVersion => f.write_str("is not a supported Notion-Version"),
            Problem::Region => f.write_str("is not a NinjaOne region"),
            Problem::Bool => f.write_str("is not true or false"),
            Problem::Empty => f.write_str("is empty"),
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file does not exist.
    #[error(
        "config file {} not found (path {origin})\nhint: copy config.json from the root of the \
         oberaconnect repository to {}, or pass --config <file> or set OBERACONNECT_CONFIG",
        path.display(),
        path.display()
    )]
    NotFound {
        /// The path that was tried.
        path: PathBuf,
        /// How that path was chosen.
        origin: PathOrigin,
    },

    /// The config file exists but cannot be read.
    #[error(
        "cannot read config file {}: {source}\nhint: check that the file is readable by this \
         user and is UTF-8 text",
        path.display()
    )]
    Read {
        /// The config file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// The file is not valid JSON.
    #[error(
        "invalid JSON in {} at line {line} column {column}: {message}\nhint: fix the syntax \
         there; JSON allows no comments and no trailing commas",
        path.display()
    )]
    Syntax {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the error.
        line: u32,
        /// 1-based column of the error.
        column: u32,
        /// The parser's message.
        message: String,
    },

    /// A key the schema does not have.
    #[error(
        "unknown key `{key}` in `{field}` in {} at line {line} column {column}\nhint: {}",
        path.display(),
        unknown_key_hint(suggestion.as_deref(), expected)
    )]
    UnknownKey {
        /// The config file.
        path: PathBuf,
        /// The object holding the key, as a dotted path (`.` for the top level).
        field: String,
        /// The unknown key.
        key: String,
        /// The valid key closest to it, when one is close.
        suggestion: Option<String>,
        /// The valid keys of that object.
        expected: Box<[String]>,
        /// 1-based line of the key.
        line: u32,
        /// 1-based column of the key.
        column: u32,
    },

    /// A value of the wrong JSON type, a duplicate key, or an unknown enum value.
    #[error(
        "invalid `{field}` in {} at line {line} column {column}: {message}\nhint: {}",
        path.display(),
        wrong_type_hint(message)
    )]
    WrongType {
        /// The config file.
        path: PathBuf,
        /// The field, as a dotted path.
        field: String,
        /// The deserializer's message, naming the expected type.
        message: String,
        /// 1-based line of the value.
        line: u32,
        /// 1-based column of the value.
        column: u32,
    },

    /// A key whose name looks like a secret (`token`, `password`, ...). Its value is not
    /// shown.
    #[error(
        "`{field}` in {} looks like a secret, and config.json must hold none (value not \
         shown)\nhint: remove the key; set {} in the environment or .env, or store them in \
         Azure Key Vault and set AZURE_KEY_VAULT_URL",
        path.display(),
        SECRET_VARS
    )]
    SecretKey {
        /// The config file.
        path: PathBuf,
        /// The key, as a dotted path.
        field: String,
    },

    /// A string value that looks like a token or an unexpanded `${VAR}` placeholder. It is
    /// not shown.
    #[error(
        "the value of `{field}` in {} looks like a secret or a ${{VAR}} placeholder (value not \
         shown)\nhint: config.json expands no variables and must hold no secrets; set {} in \
         the environment or .env, or in Azure Key Vault",
        path.display(),
        SECRET_VARS
    )]
    SecretValue {
        /// The config file.
        path: PathBuf,
        /// The field, as a dotted path.
        field: String,
    },

    /// A value of the right type that is not acceptable.
    #[error("invalid {origin}: `{value}` {problem}\nhint: {}", problem.hint())]
    Invalid {
        /// The field or environment variable.
        origin: Origin,
        /// The rejected value (`<redacted>` when it holds credentials).
        value: String,
        /// What is wrong with it.
        problem: Problem,
    },

    /// A dataset's database id is needed but not configured.
    #[error(
        "no database id for `{}` ({}) in {}\nhint: add \"{}\": \"<database id>\" under \
         \"databases\"; setup-databases creates the databases and prints their ids",
        dataset.key(),
        dataset.title(),
        path.display(),
        dataset.key()
    )]
    MissingDatabase {
        /// The config file.
        path: PathBuf,
        /// The dataset.
        dataset: Dataset,
    },
}

/// The secrets' environment variables, for hints.
const SECRET_VARS: &str = "NOTION_TOKEN, UNIFI_API_TOKEN, NINJAONE_CLIENT_ID and \
                           NINJAONE_CLIENT_SECRET";

fn wrong_type_hint(message: &str) -> &'static str {
    if message.starts_with("duplicate field") {
        "give each key once per object (`device_issues` is the earlier name of `alerts`, so \
         only one of the two may appear)"
    } else {
        "give a value of the expected type; the repository's config.json shows every key with \
         its default"
    }
}

fn unknown_key_hint(suggestion: Option<&str>, expected: &[String]) -> String {
    let valid = if expected.is_empty() {
        "this object takes no keys".to_owned()
    } else {
        format!("valid keys here: {}", expected.join(", "))
    };
    match suggestion {
        Some(near) => format!("did you mean `{near}`? {valid}"),
        None => valid,
    }
}
