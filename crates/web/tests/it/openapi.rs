//! The OpenAPI 3.1 document: it parses as OpenAPI, names every endpoint
//! registered under /api/v1 and nothing else, its schemas are valid JSON
//! Schema, and real answers conform to them. And the page made from it.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};
use vmeste_web::routes;

use crate::common::TestApp;

async fn document(app: &TestApp) -> Value {
    let reply = app.get("/api/v1/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/json");
    reply.json()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_covers_every_api_route() {
    let app = TestApp::empty().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let parsed: utoipa::openapi::OpenApi = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        doc,
        "parses without loss"
    );

    let registered: BTreeSet<(String, String)> = routes::endpoints()
        .into_iter()
        .filter(|e| e.path.starts_with("/api/v1/"))
        .map(|e| (e.method.as_str().to_lowercase(), e.path))
        .collect();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(|method| (method.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let missing: Vec<_> = registered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the document: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&registered).collect();
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    assert!(registered.len() >= 20, "{}", registered.len());

    // Every POST takes an Idempotency-Key; every error is a problem document.
    for (method, path) in &documented {
        let op = &doc["paths"][path][method];
        let headers: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "header")
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(
            headers.contains(&"Idempotency-Key"),
            method == "post",
            "{method} {path}"
        );
        for (status, response) in op["responses"].as_object().unwrap() {
            if !status.starts_with('2') {
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
        }
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
}

#[tokio::test]
async fn its_schemas_are_json_schema_and_answers_conform_to_them() {
    let app = TestApp::demo().await;
    let doc = document(&app).await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        assert!(
            jsonschema::meta::is_valid(schema),
            "{name} is not a valid JSON Schema: {schema}"
        );
    }
    let conforms = |schema: &str, instance: &Value| {
        let root = json!({
            "$ref": format!("#/components/schemas/{schema}"),
            "components": doc["components"],
        });
        let validator = jsonschema::validator_for(&root).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{schema}: {errors:?}\n{instance}");
    };
    let list = app.get("/api/v1/messages?limit=5").await.json();
    conforms("ListOut", &list);
    let id = list["items"][0]["id"].as_i64().unwrap();
    conforms(
        "MessageOut",
        &app.get(&format!("/api/v1/messages/{id}")).await.json(),
    );
    conforms(
        "HistoryOut",
        &app.get(&format!("/api/v1/messages/{id}/history"))
            .await
            .json(),
    );
    conforms(
        "AttachmentsOut",
        &app.get(&format!("/api/v1/messages/{id}/attachments"))
            .await
            .json(),
    );
    conforms("CatalogueOut", &app.get("/api/v1/catalogue").await.json());
    conforms(
        "OrganisationsOut",
        &app.get("/api/v1/organisations").await.json(),
    );
    conforms(
        "TerritoriesOut",
        &app.get("/api/v1/territories").await.json(),
    );
    conforms(
        "MeOut",
        &app.call("GET", "/api/v1/me", &app.bearer, None)
            .await
            .json(),
    );
    let (_, head) = app.session_of("head@demo.vmeste.example").await;
    conforms(
        "InboxOut",
        &app.call("GET", "/api/v1/inbox", &head, None).await.json(),
    );
    conforms(
        "Problem",
        &app.post_json("/api/v1/messages", &json!({})).await.json(),
    );
    conforms("Problem", &app.get("/api/v1/messages/0").await.json());
}

#[tokio::test]
async fn the_documentation_page_works_without_scripts_in_both_languages() {
    let app = TestApp::empty().await;
    let ru = app.get("/api/docs").await;
    assert_eq!(ru.status, StatusCode::OK);
    assert!(ru.body.contains("Документация API"));
    assert!(!ru.body.contains("<script"), "no script on the page");
    for (method, path) in routes::endpoints()
        .into_iter()
        .filter(|e| e.path.starts_with("/api/v1/"))
        .map(|e| (e.method, e.path))
    {
        let heading = format!("<code class=\"method\">{method}</code> <code>{path}</code>");
        assert!(ru.body.contains(&heading), "{heading} is not on the page");
        if method == Method::POST && path == "/api/v1/messages" {
            assert!(ru.body.contains("Idempotency-Key"));
        }
    }
    assert!(ru.body.contains("curl -sS -X POST"));
    assert!(ru.body.contains("id=\"schema-MessageOut\""));
    let en = app
        .send(
            axum::http::Request::get("/api/docs")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(en.body.contains("API documentation"), "{}", &en.body[..300]);
}
