//! Durable state shared by every simulator process that uses the same state directory.
//!
//! Each part of the state (control, fleet, Notion workspace) is one JSON file. A process keeps
//! the part in memory and, before each use, checks whether another process replaced the file
//! since it last read it; if so it reloads. Writers hold an exclusive lock on a side file
//! (`<name>.lock`) for the whole read-modify-write and replace the file by renaming a fully
//! written temporary file, so a reader never sees half a file and two writers never interleave.
//!
//! Limitation: every write rewrites the whole part. That is cheap for the default fleet (a few
//! hundred Notion pages) and slow for a 10,000-site workspace; the in-memory mode has no such
//! cost and is what benchmarks use.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Identifies one version of a file on disk: a rename always changes at least one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    #[cfg(unix)]
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> io::Result<Option<Self>> {
        match fs::metadata(path) {
            Ok(meta) => Ok(Some(Self {
                modified: meta.modified().ok(),
                len: meta.len(),
                #[cfg(unix)]
                inode: std::os::unix::fs::MetadataExt::ino(&meta),
            })),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }
}

/// Where a part lives on disk.
#[derive(Debug)]
struct Location {
    file: PathBuf,
    lock: PathBuf,
}

#[derive(Debug)]
struct Slot<T> {
    value: T,
    stamp: Option<Stamp>,
}

/// One part of the simulator state, in memory and optionally on disk.
#[derive(Debug)]
pub struct Durable<T> {
    slot: Mutex<Slot<T>>,
    location: Option<Location>,
}

/// A failure to read or write the state directory.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The file system refused.
    #[error("state file `{path}`: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The file is not valid JSON of the expected shape.
    #[error("state file `{path}` is corrupt: {source}")]
    Corrupt {
        /// The file involved.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

impl<T: Serialize + DeserializeOwned> Durable<T> {
    /// A part that lives only in this process.
    pub fn in_memory(value: T) -> Self {
        Self {
            slot: Mutex::new(Slot { value, stamp: None }),
            location: None,
        }
    }

    /// A part stored as `<dir>/<name>.json`. When the file exists its content wins over
    /// `initial`; otherwise `initial()` is written.
    pub fn open(dir: &Path, name: &str, initial: impl FnOnce() -> T) -> Result<Self, PersistError> {
        let location = Location {
            file: dir.join(format!("{name}.json")),
            lock: dir.join(format!("{name}.lock")),
        };
        let lock = lock_file(&location.lock, true)?;
        let slot = match read_file::<T>(&location.file)? {
            Some((value, stamp)) => Slot {
                value,
                stamp: Some(stamp),
            },
            None => {
                let value = initial();
                let stamp = write_file(&location.file, &value)?;
                Slot {
                    value,
                    stamp: Some(stamp),
                }
            }
        };
        drop(lock);
        Ok(Self {
            slot: Mutex::new(slot),
            location: Some(location),
        })
    }

    /// Runs `f` on the current value.
    pub fn read<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, PersistError> {
        let mut slot = self.lock_slot();
        if let Some(location) = &self.location {
            let _lock = lock_file(&location.lock, false)?;
            refresh(&mut slot, location)?;
        }
        Ok(f(&slot.value))
    }

    /// Runs `f` on the current value; when it returns `Ok` the new value is stored before the
    /// lock is released. When it returns `Err` nothing is stored, so `f` must not have changed
    /// the value in that case.
    pub fn update<R, E>(
        &self,
        f: impl FnOnce(&mut T) -> Result<R, E>,
    ) -> Result<Result<R, E>, PersistError> {
        let mut slot = self.lock_slot();
        let Some(location) = &self.location else {
            return Ok(f(&mut slot.value));
        };
        let _lock = lock_file(&location.lock, true)?;
        refresh(&mut slot, location)?;
        let outcome = f(&mut slot.value);
        if outcome.is_ok() {
            slot.stamp = Some(write_file(&location.file, &slot.value)?);
        }
        Ok(outcome)
    }

    /// Runs `f` on the current value and always stores the result.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R, PersistError> {
        let outcome = self.update(|value| Ok::<R, std::convert::Infallible>(f(value)))?;
        Ok(outcome.unwrap_or_else(|never| match never {}))
    }

    /// Replaces the whole value.
    pub fn replace(&self, value: T) -> Result<(), PersistError> {
        self.mutate(|current| *current = value)
    }

    fn lock_slot(&self) -> MutexGuard<'_, Slot<T>> {
        // A panic while holding the lock leaves a value that was either fully updated or not
        // written to disk; carrying on with it is what the next request would see anyway.
        self.slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn refresh<T: DeserializeOwned>(
    slot: &mut Slot<T>,
    location: &Location,
) -> Result<(), PersistError> {
    let io_error = |source| PersistError::Io {
        path: location.file.clone(),
        source,
    };
    let current = Stamp::of(&location.file).map_err(io_error)?;
    if current.is_some()
        && current != slot.stamp
        && let Some((value, stamp)) = read_file(&location.file)?
    {
        slot.value = value;
        slot.stamp = Some(stamp);
    }
    Ok(())
}

fn lock_file(path: &Path, exclusive: bool) -> Result<File, PersistError> {
    let io_error = |source| PersistError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io_error)?;
    if exclusive {
        file.lock()
    } else {
        file.lock_shared()
    }
    .map_err(io_error)?;
    Ok(file)
}

fn read_file<T: DeserializeOwned>(path: &Path) -> Result<Option<(T, Stamp)>, PersistError> {
    let io_error = |source| PersistError::Io {
        path: path.to_path_buf(),
        source,
    };
    let Some(stamp) = Stamp::of(path).map_err(io_error)? else {
        return Ok(None);
    };
    let bytes = fs::read(path).map_err(io_error)?;
    let value = serde_json::from_slice(&bytes).map_err(|source| PersistError::Corrupt {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Some((value, stamp)))
}

fn write_file<T: Serialize>(path: &Path, value: &T) -> Result<Stamp, PersistError> {
    let io_error = |source| PersistError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = serde_json::to_vec(value).map_err(|err| io_error(io::Error::other(err)))?;
    let temporary = path.with_extension(format!("json.tmp{}", std::process::id()));
    let mut file = File::create(&temporary).map_err(io_error)?;
    file.write_all(&bytes).map_err(io_error)?;
    drop(file);
    fs::rename(&temporary, path).map_err(io_error)?;
    Stamp::of(path)
        .map_err(io_error)?
        .ok_or_else(|| io_error(io::ErrorKind::NotFound.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_handle_sees_the_first_ones_writes() {
        let dir = tempfile::tempdir().unwrap();
        let a = Durable::open(dir.path(), "part", || vec![1]).unwrap();
        let b = Durable::<Vec<i32>>::open(dir.path(), "part", || vec![99]).unwrap();
        assert_eq!(b.read(|v| v.clone()).unwrap(), vec![1]);
        a.update(|v| {
            v.push(2);
            Ok::<_, ()>(())
        })
        .unwrap()
        .unwrap();
        assert_eq!(b.read(|v| v.clone()).unwrap(), vec![1, 2]);
    }

    #[test]
    fn a_failed_update_is_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let a = Durable::open(dir.path(), "part", || 1).unwrap();
        let outcome = a.update(|_| Err::<(), _>("refused")).unwrap();
        assert!(outcome.is_err());
        let b = Durable::<i32>::open(dir.path(), "part", || 5).unwrap();
        assert_eq!(b.read(|v| *v).unwrap(), 1);
    }
}
