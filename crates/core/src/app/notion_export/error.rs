//! Why an export, a verification or a restore failed, with the file or database
//! it concerns and the exit code it stands for.

use std::path::PathBuf;

use crate::exit::Outcome;
use crate::notion::NotionError;

/// A failure of `notion-export`.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Notion could not be read or written for one database.
    #[error("{what}: {source}")]
    Notion {
        /// What was being done (`read customer_status`, `create a page`, ...).
        what: String,
        /// The cause (boxed: Notion errors are large and this one is rare).
        source: Box<NotionError>,
    },
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file or directory could not be written or removed.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not what notion-export writes.
    #[error("`{}` is not a readable notion-export {what}: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// `manifest` or `backup`.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A backup file's bytes differ from the checksum its manifest recorded.
    #[error(
        "`{}` does not match its SHA-256 in `{}` (manifest {expected}, file {actual})\n\
         hint: the backup was changed or damaged after the export; use another backup",
        path.display(), manifest.display()
    )]
    Checksum {
        /// The backup file.
        path: PathBuf,
        /// The manifest.
        manifest: PathBuf,
        /// The SHA-256 the manifest records.
        expected: String,
        /// The SHA-256 of the file now.
        actual: String,
    },
}

impl ExportError {
    /// The exit code for this failure: a damaged backup set is a mismatch, a
    /// file that cannot be read as a backup is a usage error (the path given
    /// names no usable backup), Notion failures map by their class.
    pub fn outcome(&self) -> Outcome {
        match self {
            ExportError::Notion { source, .. } => Outcome::of_failure(source.class()),
            ExportError::Read { .. } | ExportError::Malformed { .. } => Outcome::Usage,
            ExportError::Write { .. } => Outcome::Partial,
            ExportError::Checksum { .. } => Outcome::Mismatch,
        }
    }

    /// A Notion failure while doing `what`.
    pub(super) fn notion(what: impl Into<String>) -> impl FnOnce(NotionError) -> Self {
        let what = what.into();
        move |source| ExportError::Notion {
            what,
            source: Box::new(source),
        }
    }
}
