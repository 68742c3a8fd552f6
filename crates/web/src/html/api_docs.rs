//! `/api/docs`: the API's documentation, rendered on the server from its
//! OpenAPI document — operations by tag with their parameters, bodies,
//! answers and a curl example, then the schemas. No script, no CDN.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::{Layout, render};
use crate::AppState;
use crate::auth::CurrentUser;

pub struct Field {
    name: String,
    ty: String,
    /// The schema the type names, to link to.
    link: Option<String>,
    required: bool,
    description: String,
}

pub struct Answer {
    status: String,
    description: String,
    ty: String,
    link: Option<String>,
}

pub struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    /// The ways to call it: `bearer`, `session`, or none for anyone.
    security: Vec<String>,
    parameters: Vec<(String, Field)>,
    body: Option<(String, Field)>,
    answers: Vec<Answer>,
    curl: String,
}

pub struct Tag {
    name: String,
    description: String,
    operations: Vec<Operation>,
}

pub struct SchemaDoc {
    name: String,
    description: String,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct Page {
    layout: Layout,
    title: String,
    tags: Vec<Tag>,
    schemas: Vec<SchemaDoc>,
}

pub async fn show(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Response {
    let layout = Layout::new(&state, user.as_ref());
    let document = serde_json::to_value(crate::api::doc::document()).unwrap_or_default();
    let base = state.settings().public_url.trim_end_matches('/');
    let page = Page {
        title: layout.t("api-docs-title"),
        layout,
        tags: tags(&document, base),
        schemas: schemas(&document),
    };
    render(StatusCode::OK, &page)
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

/// The name of a referenced schema.
fn referenced(schema: &Value) -> Option<String> {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .map(ToOwned::to_owned)
}

/// A schema's type in a few words, and the first schema it names.
fn describe(schema: &Value) -> (String, Option<String>) {
    if let Some(name) = referenced(schema) {
        return (name.clone(), Some(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = schema[key].as_array() {
            let described: Vec<(String, Option<String>)> = parts.iter().map(describe).collect();
            let link = described.iter().find_map(|(_, l)| l.clone());
            let words: Vec<String> = described.into_iter().map(|(t, _)| t).collect();
            return (words.join(" | "), link);
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut link = None;
    let words: Vec<String> = types
        .iter()
        .map(|t| match *t {
            "array" => {
                let (item, item_link) = describe(&schema["items"]);
                link = item_link;
                format!("array of {item}")
            }
            other => match schema["format"].as_str() {
                Some(format) if other != "null" => format!("{other} ({format})"),
                _ => other.to_owned(),
            },
        })
        .collect();
    if words.is_empty() {
        ("any".to_owned(), None)
    } else {
        (words.join(" | "), link)
    }
}

fn field(name: &str, schema: &Value, required: bool, description: String) -> Field {
    let (ty, link) = describe(schema);
    let description = if description.is_empty() {
        text(schema, "description")
    } else {
        description
    };
    Field {
        name: name.to_owned(),
        ty,
        link,
        required,
        description,
    }
}

/// A JSON body made of the examples its schema gives.
fn example_body(document: &Value, schema: &Value) -> String {
    let schema = match referenced(schema) {
        Some(name) => &document["components"]["schemas"][name],
        None => schema,
    };
    let example: Map<String, Value> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, property)| Some((name.clone(), property.get("example")?.clone())))
        .collect();
    Value::Object(example).to_string()
}

fn curl(document: &Value, base: &str, method: &str, path: &str, op: &Value) -> String {
    let path = path.replace("{id}", "1");
    let mut lines = vec![format!("curl -sS -X {method} '{base}{path}'")];
    let schemes: Vec<String> = security(op);
    if schemes.iter().any(|s| s == "bearer") {
        lines.push("  -H 'Authorization: Bearer vmk_…'".to_owned());
    } else if schemes.iter().any(|s| s == "session") {
        lines.push("  -b 'vmeste_session=…'".to_owned());
    }
    let content = &op["requestBody"]["content"];
    if let Some(json) = content.get("application/json") {
        lines.push("  -H 'Content-Type: application/json'".to_owned());
        lines.push("  -H 'Idempotency-Key: 7d0c2f5e-1'".to_owned());
        lines.push(format!(
            "  -d '{}'",
            example_body(document, &json["schema"]).replace('\'', "'\\''")
        ));
    } else if content.get("multipart/form-data").is_some() {
        lines.push("  -H 'Idempotency-Key: 7d0c2f5e-2'".to_owned());
        lines.push("  -F 'file=@photo.jpg'".to_owned());
    }
    lines.join(" \\\n")
}

/// The names of the security schemes an operation accepts.
fn security(op: &Value) -> Vec<String> {
    op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys().cloned())
        .collect()
}

fn operation(document: &Value, base: &str, method: &str, path: &str, op: &Value) -> Operation {
    let parameters = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                text(p, "in"),
                field(
                    p["name"].as_str().unwrap_or_default(),
                    &p["schema"],
                    p["required"].as_bool().unwrap_or(false),
                    text(p, "description"),
                ),
            )
        })
        .collect();
    let body = op["requestBody"]["content"]
        .as_object()
        .and_then(|content| content.iter().next())
        .map(|(content_type, media)| {
            (
                content_type.clone(),
                field(
                    "",
                    &media["schema"],
                    true,
                    text(&op["requestBody"], "description"),
                ),
            )
        });
    let answers = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let schema = response["content"]
                .as_object()
                .and_then(|content| content.values().next())
                .map(|media| describe(&media["schema"]));
            let (ty, link) = schema.unwrap_or_default();
            Answer {
                status: status.clone(),
                description: text(response, "description"),
                ty,
                link,
            }
        })
        .collect();
    let mut security = security(op);
    if op["security"]
        .as_array()
        .is_some_and(|all| all.iter().any(|r| r.as_object().is_some_and(Map::is_empty)))
    {
        security.insert(0, "anonymous".to_owned());
    }
    Operation {
        anchor: op["operationId"].as_str().unwrap_or_default().to_owned(),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        security,
        parameters,
        body,
        answers,
        curl: curl(document, base, &method.to_uppercase(), path, op),
    }
}

fn tags(document: &Value, base: &str) -> Vec<Tag> {
    let mut tags: Vec<Tag> = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| Tag {
            name: text(t, "name"),
            description: text(t, "description"),
            operations: Vec::new(),
        })
        .collect();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in ["get", "post", "put", "patch", "delete"] {
            let op = &item[method];
            if op.is_null() {
                continue;
            }
            let tag = op["tags"][0].as_str().unwrap_or_default();
            if let Some(t) = tags.iter_mut().find(|t| t.name == tag) {
                t.operations
                    .push(operation(document, base, method, path, op));
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    tags
}

fn schemas(document: &Value) -> Vec<SchemaDoc> {
    document["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            let mut fields = Vec::new();
            let parts: Vec<&Value> = match schema["allOf"].as_array() {
                Some(parts) => parts.iter().collect(),
                None => vec![schema],
            };
            for part in parts {
                if let Some(included) = referenced(part) {
                    fields.push(Field {
                        name: "…".to_owned(),
                        ty: included.clone(),
                        link: Some(included),
                        required: true,
                        description: String::new(),
                    });
                }
                let required: Vec<&str> = part["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for (field_name, property) in part["properties"].as_object().into_iter().flatten() {
                    fields.push(field(
                        field_name,
                        property,
                        required.contains(&field_name.as_str()),
                        String::new(),
                    ));
                }
            }
            SchemaDoc {
                name: name.clone(),
                description: text(schema, "description"),
                fields,
            }
        })
        .collect()
}
