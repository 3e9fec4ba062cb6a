//! Failure reports of the OpenAPI validator: one line per violation (instance path and a
//! short message) and, for a failed union, the branches the instance was probably meant to
//! match, so that a report names the field at fault rather than "not valid under any of the
//! schemas listed in the 'oneOf' keyword".

use std::fmt::Write as _;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// How many violations a failure lists before it summarises the rest.
const MAX_LISTED: usize = 25;

/// How much of the offending JSON a failure prints.
const MAX_BODY_CHARS: usize = 6_000;

/// Appends to `lines` one line per violation: the instance path and a short message. For a
/// failed `anyOf`/`oneOf`, also the violations of the branches that could have been meant,
/// closest first, indented below it (see [`ranked_branches`]).
pub fn describe(error: &ValidationError<'_>, depth: usize, lines: &mut Vec<String>) {
    let indent = "    ".repeat(depth);
    let at = match error.instance_path().as_str() {
        "" => "(root)".to_owned(),
        path => path.to_owned(),
    };
    let Some((keyword, branches)) = union_branches(error) else {
        lines.push(format!(
            "{indent}{at}: {}",
            shorten(&error.to_string(), 300)
        ));
        return;
    };

    let ranked = ranked_branches(branches, error.instance_path().as_str());
    let note = if ranked.is_empty() {
        mismatch_note(branches, error)
    } else {
        String::new()
    };
    lines.push(format!(
        "{indent}{at}: matches none of the {} `{keyword}` branches{note}",
        branches.len()
    ));
    if depth >= 10 {
        return;
    }
    for (index, errors) in ranked.into_iter().take(2) {
        lines.push(format!("{indent}  branch {index}:"));
        for inner in errors {
            describe(inner, depth + 1, lines);
        }
    }
}

type Branches = Vec<Vec<ValidationError<'static>>>;

fn union_branches<'e>(error: &'e ValidationError<'_>) -> Option<(&'static str, &'e Branches)> {
    match error.kind() {
        ValidationErrorKind::AnyOf { context } => Some(("anyOf", context)),
        ValidationErrorKind::OneOfNotValid { context } => Some(("oneOf", context)),
        _ => None,
    }
}

/// The branches of a failed union that describe the same kind of value as the instance (no
/// [`kind_mismatch`]), those with the fewest unexpected properties first: the branch meant
/// is usually the one the instance came closest to.
fn ranked_branches<'e>(
    branches: &'e Branches,
    at: &str,
) -> Vec<(usize, &'e Vec<ValidationError<'static>>)> {
    let mut ranked: Vec<_> = branches
        .iter()
        .enumerate()
        .filter(|(_, errors)| !errors.iter().any(|e| kind_mismatch(e, at)))
        .collect();
    let unexpected = |errors: &Vec<ValidationError<'_>>| -> usize {
        let count = |e: &ValidationError<'_>| match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.len(),
            _ => 0,
        };
        errors.iter().map(count).sum()
    };
    let fewest = ranked
        .iter()
        .map(|(_, errors)| unexpected(errors))
        .min()
        .unwrap_or(0);
    ranked.retain(|(_, errors)| unexpected(errors) == fewest);
    ranked
}

/// What a union whose every branch describes another kind of value says, in a few words:
/// ` (no branch is this kind of value: "12" is not of type "number"; ...)`.
fn mismatch_note(branches: &Branches, union: &ValidationError<'_>) -> String {
    let at = union.instance_path().as_str();
    let mut reasons: Vec<String> = Vec::new();
    for errors in branches {
        let reason = errors.iter().find(|e| kind_mismatch(e, at)).map(|e| {
            let path = e.instance_path().as_str();
            let relative = path.strip_prefix(at).unwrap_or(path);
            let message = shorten(&e.to_string(), 80);
            if relative.is_empty() {
                message
            } else {
                format!("{relative}: {message}")
            }
        });
        if let Some(reason) = reason.filter(|r| !reasons.contains(r)) {
            reasons.push(reason);
        }
    }
    let more = if reasons.len() > 3 { "; …" } else { "" };
    reasons.truncate(3);
    format!(
        " (no branch is this kind of value: {}{more})",
        reasons.join("; ")
    )
}

/// Whether `error`, found while checking the instance at `at` against a union branch, shows
/// that the branch describes another kind of value: a `const`/`enum` miss on the instance or
/// one of its direct properties (a discriminator such as `type` or `object`), a wrong JSON
/// type of the instance, or a nested union at the same place whose every branch is such.
fn kind_mismatch(error: &ValidationError<'_>, at: &str) -> bool {
    let path = error.instance_path().as_str();
    let relative = path.strip_prefix(at).unwrap_or(path);
    match error.kind() {
        ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. } => {
            relative.matches('/').count() <= 1
        }
        ValidationErrorKind::Type { .. } => relative.is_empty(),
        _ if !relative.is_empty() => false,
        _ => union_branches(error).is_some_and(|(_, branches)| {
            branches
                .iter()
                .all(|errors| errors.iter().any(|e| kind_mismatch(e, at)))
        }),
    }
}

/// `text`, cut after `max` characters.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// The panic message of a failed check: what was checked, the violations and the JSON.
pub fn failure_report(what: &str, pointer: &str, violations: &[String], body: &Value) -> String {
    let mut report = format!(
        "{what}: the body violates the OpenAPI schema at #{pointer} ({} line(s)):\n",
        violations.len()
    );
    for line in violations.iter().take(MAX_LISTED) {
        let _ = writeln!(report, "  {line}");
    }
    if violations.len() > MAX_LISTED {
        let _ = writeln!(report, "  … and {} more", violations.len() - MAX_LISTED);
    }
    let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
    let _ = write!(report, "body:\n{}", shorten(&pretty, MAX_BODY_CHARS));
    report
}
