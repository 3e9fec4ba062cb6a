//! Rich text: request items checked against the limits of NOTION.md section 8 and turned into
//! the items responses carry (with `annotations`, `plain_text` and `href`).

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::notion::body;
use crate::notion::errors::Outcome;

/// Most characters in one `text.content`.
pub const MAX_CONTENT: usize = 2_000;
/// Most characters in a link URL.
pub const MAX_URL: usize = 2_000;
/// Most characters in an equation.
pub const MAX_EXPRESSION: usize = 1_000;
/// Most items in a rich text array.
pub const MAX_ITEMS: usize = 100;

const ANNOTATION_FLAGS: [&str; 5] = ["bold", "italic", "strikethrough", "underline", "code"];

const COLORS: [&str; 20] = [
    "default",
    "gray",
    "brown",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "red",
    "default_background",
    "gray_background",
    "brown_background",
    "orange_background",
    "yellow_background",
    "green_background",
    "blue_background",
    "purple_background",
    "pink_background",
    "red_background",
];

/// A rich text array from a request, as the array of response items to store.
pub fn parse(value: &Value, path: &str) -> Outcome<Value> {
    let items = body::array(value, path, MAX_ITEMS)?;
    let parsed = items
        .iter()
        .enumerate()
        .map(|(index, item)| parse_item(item, &body::item(path, index)))
        .collect::<Outcome<Vec<_>>>()?;
    Ok(Value::Array(parsed))
}

/// Response items for plain `text` (one item, no link, default annotations).
pub fn from_plain(text: &str) -> Value {
    if text.is_empty() {
        return Value::Array(Vec::new());
    }
    Value::Array(vec![text_item(text, None, default_annotations())])
}

/// The plain text of stored response items, borrowed when there is a single item.
pub fn plain_text(items: &Value) -> Cow<'_, str> {
    let Some(items) = items.as_array() else {
        return Cow::Borrowed("");
    };
    fn piece(item: &Value) -> &str {
        item.get("plain_text").and_then(Value::as_str).unwrap_or("")
    }
    match items.as_slice() {
        [] => Cow::Borrowed(""),
        [only] => Cow::Borrowed(piece(only)),
        many => Cow::Owned(many.iter().map(piece).collect()),
    }
}

fn parse_item(item: &Value, path: &str) -> Outcome<Value> {
    let fields = body::object(item, path)?;
    let annotations = match fields.get("annotations") {
        None => default_annotations(),
        Some(given) => parse_annotations(given, &body::member(path, "annotations"))?,
    };
    let kind = match fields.get("type") {
        Some(kind) => body::string(kind, &body::member(path, "type"))?,
        None if fields.contains_key("equation") => "equation",
        None if fields.contains_key("mention") => "mention",
        None => "text",
    };
    match kind {
        "text" => {
            let text = body::required(fields, "text", path)?;
            parse_text(text, &body::member(path, "text"), annotations)
        }
        "equation" => {
            let equation = body::required(fields, "equation", path)?;
            parse_equation(equation, &body::member(path, "equation"), annotations)
        }
        "mention" => Err(body::invalid(
            item,
            path,
            "should be a text or equation item (the simulator does not support mentions)",
        )),
        _ => Err(body::invalid(
            &Value::String(kind.to_owned()),
            &body::member(path, "type"),
            "should be `\"text\"`, `\"mention\"` or `\"equation\"`",
        )),
    }
}

fn parse_text(text: &Value, path: &str, annotations: Value) -> Outcome<Value> {
    let fields = body::object(text, path)?;
    body::only_keys(fields, &["content", "link"], path)?;
    let content_path = body::member(path, "content");
    let content = body::required(fields, "content", path)?;
    let content = body::bounded_string(content, &content_path, MAX_CONTENT)?;
    let link = match fields.get("link") {
        None | Some(Value::Null) => None,
        Some(link) => {
            let link_path = body::member(path, "link");
            let url = body::required(body::object(link, &link_path)?, "url", &link_path)?;
            Some(body::bounded_string(
                url,
                &body::member(&link_path, "url"),
                MAX_URL,
            )?)
        }
    };
    Ok(text_item(content, link, annotations))
}

fn parse_equation(equation: &Value, path: &str, annotations: Value) -> Outcome<Value> {
    let fields = body::object(equation, path)?;
    body::only_keys(fields, &["expression"], path)?;
    let expression = body::required(fields, "expression", path)?;
    let expression = body::bounded_string(
        expression,
        &body::member(path, "expression"),
        MAX_EXPRESSION,
    )?;
    Ok(json!({
        "type": "equation",
        "equation": { "expression": expression },
        "annotations": annotations,
        "plain_text": expression,
        "href": null,
    }))
}

fn parse_annotations(given: &Value, path: &str) -> Outcome<Value> {
    let fields = body::object(given, path)?;
    let mut allowed: Vec<&str> = ANNOTATION_FLAGS.to_vec();
    allowed.push("color");
    body::only_keys(fields, &allowed, path)?;
    let mut annotations = Map::new();
    for flag in ANNOTATION_FLAGS {
        let set = match fields.get(flag) {
            None => false,
            Some(value) => body::boolean(value, &body::member(path, flag))?,
        };
        annotations.insert(flag.to_owned(), Value::Bool(set));
    }
    let color = match fields.get("color") {
        None => "default",
        Some(value) => {
            let color = body::string(value, &body::member(path, "color"))?;
            if !COLORS.contains(&color) {
                return Err(body::invalid(
                    value,
                    &body::member(path, "color"),
                    "should be a valid color",
                ));
            }
            color
        }
    };
    annotations.insert("color".to_owned(), Value::String(color.to_owned()));
    Ok(Value::Object(annotations))
}

fn text_item(content: &str, link: Option<&str>, annotations: Value) -> Value {
    let link_value = link.map_or(Value::Null, |url| json!({ "url": url }));
    json!({
        "type": "text",
        "text": { "content": content, "link": link_value },
        "annotations": annotations,
        "plain_text": content,
        "href": link,
    })
}

fn default_annotations() -> Value {
    json!({
        "bold": false,
        "italic": false,
        "strikethrough": false,
        "underline": false,
        "code": false,
        "color": "default",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_gain_annotations_plain_text_and_href() {
        let parsed = parse(
            &json!([{ "text": { "content": "Acme", "link": { "url": "https://a.example" } } }]),
            "body.title",
        )
        .unwrap();
        assert_eq!(parsed[0]["plain_text"], "Acme");
        assert_eq!(parsed[0]["href"], "https://a.example");
        assert_eq!(parsed[0]["annotations"]["color"], "default");
        assert_eq!(plain_text(&parsed), "Acme");
    }

    #[test]
    fn over_long_content_names_the_path() {
        let long = "x".repeat(2001);
        let err = parse(
            &json!([{ "text": { "content": long } }]),
            "body.properties.N.title",
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "body failed validation: body.properties.N.title[0].text.content.length should be \
             ≤ `2000`, instead was `2001`."
        );
    }
}
