//! Rendered pages, kept with the page: a page of a query result is usually asked for again
//! unchanged, and copying its JSON is much cheaper than serialising its values once more.
//!
//! An entry is valid for one schema revision and one version; the store clears it whenever
//! the page changes. It is never persisted.

use std::sync::{Arc, Mutex};

use crate::notion::version::ApiVersion;

/// A page's last rendering.
#[derive(Default)]
pub struct RenderCache(Mutex<Option<Rendered>>);

struct Rendered {
    revision: u64,
    version: ApiVersion,
    json: Arc<[u8]>,
}

impl RenderCache {
    /// The JSON rendered for `revision` and `version`, rendering (and keeping) it if needed.
    pub fn get_or_render(
        &self,
        revision: u64,
        version: ApiVersion,
        render: impl FnOnce() -> serde_json::Result<Vec<u8>>,
    ) -> serde_json::Result<Arc<[u8]>> {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(rendered) = slot.as_ref()
            && rendered.revision == revision
            && rendered.version == version
        {
            return Ok(rendered.json.clone());
        }
        let json: Arc<[u8]> = render()?.into();
        *slot = Some(Rendered {
            revision,
            version,
            json: json.clone(),
        });
        Ok(json)
    }

    /// Forgets the rendering (the page changed).
    pub fn clear(&mut self) {
        *self
            .0
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

/// A copy of a page starts without a rendering.
impl Clone for RenderCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// Caches do not make two pages different.
impl PartialEq for RenderCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for RenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RenderCache")
    }
}
