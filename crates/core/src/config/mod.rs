//! `config.json`: the schema, its validation and defaults (placeholder until the loader lands).
