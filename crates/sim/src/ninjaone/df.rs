//! The device filter (`df`) of NinjaOne's device, alert, activity and report
//! endpoints.
//!
//! Syntax, from NinjaOne's "Device Filter Syntax" document and working clients:
//! conditions joined by ` AND ` (there is no `OR`); a condition is a bare
//! `online` / `offline`, or `<key> <op> <value>` where `<op>` is `=`, `eq`,
//! `!=`, `neq` (one value) or `in`, `notin` (a parenthesised, comma-separated
//! list). Spacing around `=` is free: `org=12`, `org = 12` and `org eq 12` are
//! the same. Keys understood: `org`, `loc`, `role`, `id`, `class`, `status`.
//! Other keys (`created`, `group`, `tagId`, ...) are ignored, the way the
//! service ignores what it does not know. Devices whose approval status is not
//! `APPROVED` match only when the filter names a `status`.

use std::fmt;

use crate::fleet::Device;

/// A parsed device filter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceFilter {
    conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Online,
    Offline,
    Field {
        key: Key,
        negate: bool,
        values: Vec<String>,
    },
    /// A key the simulator does not evaluate.
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Org,
    Loc,
    Role,
    Id,
    Class,
    Status,
}

impl Key {
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "org" => Key::Org,
            "loc" => Key::Loc,
            "role" => Key::Role,
            "id" => Key::Id,
            "class" => Key::Class,
            "status" => Key::Status,
            _ => return None,
        })
    }

    fn numeric(self) -> bool {
        matches!(self, Key::Org | Key::Loc | Key::Role | Key::Id)
    }
}

/// Why a filter could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError(String);

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Equals,
    NotEquals,
    Open,
    Close,
    Comma,
}

impl DeviceFilter {
    /// Parses a `df` value.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let tokens = lex(text)?;
        let mut conditions = Vec::new();
        for part in tokens.split(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("and"))) {
            conditions.push(condition(part)?);
        }
        Ok(Self { conditions })
    }

    /// The filter of an optional `df` parameter (absent or blank: approved
    /// devices only).
    pub fn optional(text: Option<&str>) -> Result<Self, FilterError> {
        match text {
            Some(text) if !text.trim().is_empty() => Self::parse(text),
            _ => Ok(Self::default()),
        }
    }

    /// Whether `device` passes; `role` is the device's role id.
    pub fn matches(&self, device: &Device, role: i64) -> bool {
        let names_status = self.conditions.iter().any(|c| {
            matches!(
                c,
                Condition::Field {
                    key: Key::Status,
                    ..
                }
            )
        });
        if !names_status && !device.approval_status.eq_ignore_ascii_case("APPROVED") {
            return false;
        }
        self.conditions.iter().all(|c| match c {
            Condition::Online => !device.offline,
            Condition::Offline => device.offline,
            Condition::Ignored => true,
            Condition::Field {
                key,
                negate,
                values,
            } => {
                let actual = match key {
                    Key::Org => device.organization_id.to_string(),
                    Key::Loc => device.location_id.to_string(),
                    Key::Role => role.to_string(),
                    Key::Id => device.id.to_string(),
                    Key::Class => device.node_class.clone(),
                    Key::Status => device.approval_status.clone(),
                };
                values.iter().any(|v| v.eq_ignore_ascii_case(&actual)) != *negate
            }
        })
    }
}

fn lex(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(ch) = chars.next() {
        let token = match ch {
            '=' => Token::Equals,
            '(' => Token::Open,
            ')' => Token::Close,
            ',' => Token::Comma,
            '!' if chars.peek() == Some(&'=') => {
                chars.next();
                Token::NotEquals
            }
            '!' => return Err(FilterError("unexpected `!`".into())),
            c if c.is_whitespace() => {
                flush(&mut word, &mut tokens);
                continue;
            }
            c => {
                word.push(c);
                continue;
            }
        };
        flush(&mut word, &mut tokens);
        tokens.push(token);
    }
    flush(&mut word, &mut tokens);
    Ok(tokens)
}

fn condition(tokens: &[Token]) -> Result<Condition, FilterError> {
    let Some(Token::Word(first)) = tokens.first() else {
        return Err(FilterError("empty condition".into()));
    };
    if tokens.len() == 1 {
        return match first.to_ascii_lowercase().as_str() {
            "online" => Ok(Condition::Online),
            "offline" => Ok(Condition::Offline),
            _ => Ok(Condition::Ignored),
        };
    }
    let Some(key) = Key::parse(first) else {
        return Ok(Condition::Ignored);
    };
    let (negate, list) = match &tokens[1] {
        Token::Equals => (false, false),
        Token::NotEquals => (true, false),
        Token::Word(op) => match op.to_ascii_lowercase().as_str() {
            "eq" => (false, false),
            "neq" => (true, false),
            "in" => (false, true),
            "notin" => (true, true),
            _ => {
                return Err(FilterError(format!(
                    "unknown operator `{op}` for `{first}`"
                )));
            }
        },
        _ => return Err(FilterError(format!("missing operator after `{first}`"))),
    };
    let values = if list {
        list_values(&tokens[2..])?
    } else {
        match &tokens[2..] {
            [Token::Word(value)] => vec![value.clone()],
            _ => return Err(FilterError(format!("`{first}` takes one value"))),
        }
    };
    if key.numeric() && values.iter().any(|v| v.parse::<i64>().is_err()) {
        return Err(FilterError(format!("`{first}` takes numeric ids")));
    }
    Ok(Condition::Field {
        key,
        negate,
        values,
    })
}

fn list_values(tokens: &[Token]) -> Result<Vec<String>, FilterError> {
    let malformed = || FilterError("a list must look like (1,2,3)".into());
    let [Token::Open, inner @ .., Token::Close] = tokens else {
        return Err(malformed());
    };
    let mut values = Vec::new();
    for (i, token) in inner.iter().enumerate() {
        match (i % 2, token) {
            (0, Token::Word(value)) => values.push(value.clone()),
            (1, Token::Comma) => {}
            _ => return Err(malformed()),
        }
    }
    if values.is_empty() || matches!(inner.last(), Some(Token::Comma)) {
        return Err(malformed());
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: i64, org: i64, class: &str, status: &str, offline: bool) -> Device {
        Device {
            id,
            uid: String::new(),
            organization_id: org,
            location_id: org * 10,
            node_class: class.into(),
            approval_status: status.into(),
            offline,
            display_name: String::new(),
            system_name: String::new(),
            dns_name: String::new(),
            created: 0.0,
            last_contact: 0.0,
            os_name: None,
            system_model: None,
            ip_address: String::new(),
            mac_address: String::new(),
        }
    }

    fn passes(filter: &str, d: &Device) -> bool {
        DeviceFilter::parse(filter).unwrap().matches(d, 1)
    }

    #[test]
    fn operators_and_spacing() {
        let d = device(7, 12, "MAC", "APPROVED", true);
        for yes in [
            "org=12",
            "org = 12",
            "org eq 12",
            "org in (12,15)",
            "org in(15, 12)",
            "org != 3",
            "org neq 3",
            "org notin (1,2)",
            "class eq mac",
            "offline",
            "org in (12,15) AND offline AND class = MAC",
            "id = 7 and loc = 120",
            "created after 2024-01-01",
            "group 7 AND org = 12",
        ] {
            assert!(passes(yes, &d), "{yes}");
        }
        for no in [
            "org=13",
            "org notin (12)",
            "online",
            "org = 12 AND online",
            "id in (1,2)",
        ] {
            assert!(!passes(no, &d), "{no}");
        }
    }

    #[test]
    fn pending_devices_need_a_status_condition() {
        let pending = device(1, 1, "MAC", "PENDING", false);
        assert!(!DeviceFilter::default().matches(&pending, 1));
        assert!(!passes("org = 1", &pending));
        assert!(passes("status eq PENDING", &pending));
        assert!(!passes("status eq APPROVED", &pending));
    }

    #[test]
    fn malformed_filters_are_refused() {
        for bad in [
            "org in 12",
            "org in (1,",
            "org",
            "org eq",
            "org like 3",
            "org = x",
            "!",
        ] {
            let parsed = DeviceFilter::parse(bad);
            if bad == "org" {
                assert_eq!(parsed.unwrap().conditions, vec![Condition::Ignored]);
            } else {
                assert!(parsed.is_err(), "{bad}");
            }
        }
        assert!(DeviceFilter::parse("").is_err());
    }
}
