//! The `Notion-Version` header: which versions the simulator answers and how each one shapes
//! requests and responses (NOTION.md section 1).

/// A `Notion-Version` the simulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `2022-06-28` and the older versions: databases hold the schema and the rows, no data
    /// sources. Only the paths the earlier scripts used are meant to work.
    Legacy,
    /// `2025-09-03`: data sources; responses still carry the deprecated `archived` flag.
    V2025,
    /// `2026-03-11`: data sources; `in_trash` only.
    V2026,
}

impl ApiVersion {
    /// The version a header value names, if the API knows it.
    pub fn parse(header: &str) -> Option<Self> {
        match header.trim() {
            "2026-03-11" => Some(Self::V2026),
            "2025-09-03" => Some(Self::V2025),
            "2022-06-28" | "2022-02-22" | "2021-08-16" | "2021-05-13" | "2021-05-11" => {
                Some(Self::Legacy)
            }
            _ => None,
        }
    }

    /// Whether `/v1/data_sources/...` exists and databases are containers of data sources.
    pub fn has_data_sources(self) -> bool {
        self != Self::Legacy
    }

    /// Whether responses carry `archived` next to `in_trash`, and requests may send it.
    pub fn knows_archived(self) -> bool {
        self != Self::V2026
    }

    /// The `type` of list responses holding pages and containers.
    pub fn list_type(self) -> &'static str {
        if self.has_data_sources() {
            "page_or_data_source"
        } else {
            "page_or_database"
        }
    }
}
