//! The `.env` file: read into a map of the four secrets with
//! `dotenvy::from_path_iter`, never into the process environment (setting
//! variables is racy once tokio threads run, and children such as `az` would
//! inherit them), with a check of its permission bits.
//!
//! Limitation: a `.env` inside a git work tree that is not ignored is not
//! detected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::{SecretError, SecretName};

/// The secrets a `.env` file holds, and its permission bits when they let
/// group or others read it.
#[derive(Debug, Default)]
pub(crate) struct DotEnv {
    /// Values by secret; other keys of the file are not kept.
    pub values: BTreeMap<SecretName, SecretString>,
    /// `Some(mode)` when `mode & 0o077 != 0`.
    pub loose_mode: Option<u32>,
}

impl DotEnv {
    /// Reads `path`; a file that does not exist is an empty `.env`.
    pub fn read(path: &Path) -> Result<Self, SecretError> {
        let error = |reason: String| SecretError::DotEnv {
            path: path.to_path_buf(),
            reason,
        };
        let entries = match dotenvy::from_path_iter(path) {
            Ok(entries) => entries,
            Err(err) if err.not_found() => {
                tracing::debug!(path = %path.display(), "no .env file");
                return Ok(Self::default());
            }
            Err(err) => return Err(error(describe(&err))),
        };
        let mut values = BTreeMap::new();
        for entry in entries {
            let (key, value) = entry.map_err(|err| error(describe(&err)))?;
            let name = SecretName::ALL.into_iter().find(|n| n.env_name() == key);
            if let Some(name) = name.filter(|_| !value.trim().is_empty()) {
                values.insert(name, SecretString::from(value));
            }
        }
        Ok(Self {
            values,
            loose_mode: loose_mode(path),
        })
    }
}

/// What went wrong, without the text of the line: a `.env` line holds a
/// secret, and dotenvy's parse error carries the whole line.
fn describe(err: &dotenvy::Error) -> String {
    match err {
        dotenvy::Error::LineParse(_, index) => {
            format!("cannot parse it near character {index} (the line is not shown)")
        }
        dotenvy::Error::Io(io) => io.to_string(),
        dotenvy::Error::EnvVar(_) => "a variable it refers to is not valid".to_owned(),
        _ => "cannot parse it".to_owned(),
    }
}

#[cfg(unix)]
fn loose_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn loose_mode(_path: &Path) -> Option<u32> {
    None
}

/// Logs (or, when `strict`, returns) the warning for a `.env` readable by
/// group or others.
pub(crate) fn check_mode(path: &Path, dotenv: &DotEnv, strict: bool) -> Result<(), SecretError> {
    let Some(mode) = dotenv.loose_mode else {
        return Ok(());
    };
    if strict {
        return Err(SecretError::DotEnvPermissions {
            path: PathBuf::from(path),
            mode,
        });
    }
    tracing::warn!(
        path = %path.display(),
        mode = format!("{mode:04o}"),
        "`{}` is readable by group or others (mode {mode:04o}); run `chmod 600 {}`",
        path.display(),
        path.display(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn only_the_secrets_are_kept_and_blank_values_count_as_unset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# comment\nNOTION_TOKEN=ntn_from_file\nUNIFI_API_TOKEN=\nOTHER=x\n\
             NINJAONE_CLIENT_ID=\"quoted id\"\n",
        )
        .unwrap();
        let dotenv = DotEnv::read(&path).unwrap();
        let keys: Vec<SecretName> = dotenv.values.keys().copied().collect();
        assert_eq!(
            keys,
            [SecretName::NotionToken, SecretName::NinjaoneClientId]
        );
        let id = &dotenv.values[&SecretName::NinjaoneClientId];
        assert_eq!(id.expose_secret(), "quoted id");
    }

    #[test]
    fn a_missing_file_is_empty_and_a_bad_line_is_not_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let none = DotEnv::read(&dir.path().join("absent")).unwrap();
        assert!(none.values.is_empty());

        let path = dir.path().join(".env");
        std::fs::write(&path, "NOTION_TOKEN='ntn_unterminated_value\n").unwrap();
        let err = DotEnv::read(&path).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(matches!(err, SecretError::DotEnv { .. }), "{text}");
        assert!(!text.contains("ntn_unterminated_value"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn loose_permissions_are_reported_and_refused_when_strict() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "NOTION_TOKEN=ntn_x\n").unwrap();

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let tight = DotEnv::read(&path).unwrap();
        assert_eq!(tight.loose_mode, None);
        assert!(check_mode(&path, &tight, true).is_ok());

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let loose = DotEnv::read(&path).unwrap();
        assert_eq!(loose.loose_mode, Some(0o644));
        let err = check_mode(&path, &loose, true).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("mode 0644"), "{text}");
        assert!(text.contains("chmod 600"), "{text}");
    }
}
