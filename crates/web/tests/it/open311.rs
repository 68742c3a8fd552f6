//! Open311 GeoReport v2: discovery, services and definitions in JSON (valid
//! against the specification's schemas) and XML (read back with the same
//! types that read real cities' documents), errors as the specified list.

use axum::http::{StatusCode, header};
use vmeste_web::open311::model::{self, Listed, xml};

use crate::common::TestApp;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/open311");

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{path}")).unwrap()
}

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&fixture(&format!("schemas/{schema}"))).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, value: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?} in {value}");
}

#[test]
fn real_cities_documents_read_with_our_types() {
    let Listed(services): Listed<model::Service> =
        quick_xml::de::from_str(&fixture("samples/dc-services.xml")).unwrap();
    assert!(services.len() > 10);
    assert!(services.iter().all(|s| !s.service_code.is_empty()));
    let definition: xml::ServiceDefinition =
        quick_xml::de::from_str(&fixture("samples/dc-services-S0301.xml")).unwrap();
    assert_eq!(definition.service_code, "S0301");
    let listed = definition
        .attributes
        .attribute
        .iter()
        .find(|a| a.datatype == "singlevaluelist")
        .unwrap();
    assert!(listed.values.value.iter().any(|v| v.name == "Yes"));
    let boston: model::Discovery =
        serde_json::from_str(&fixture("samples/discovery-boston.json")).unwrap();
    assert_eq!(boston.endpoints.len(), 2);
    let dc: xml::Discovery = quick_xml::de::from_str(&fixture("samples/discovery-dc.xml")).unwrap();
    assert_eq!(dc.endpoints.endpoint[0].formats.format, ["text/xml"]);

    let Listed(requests): Listed<model::ServiceRequest> =
        quick_xml::de::from_str(&fixture("samples/service-requests.xml")).unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].service_request_id, "638344");
    assert_eq!(requests[0].status, "closed");
    assert_eq!(requests[1].long, Some(-122.465_114_5));
    let Listed(one): Listed<model::ServiceRequest> =
        quick_xml::de::from_str(&fixture("samples/service-request.xml")).unwrap();
    assert_eq!(one[0].status_notes.as_deref(), Some("Duplicate request."));
    let Listed(token): Listed<model::Receipt> =
        quick_xml::de::from_str(&fixture("samples/token.xml")).unwrap();
    assert_eq!(token[0].token.as_deref(), Some("12345"));
    assert_eq!(token[0].service_request_id.as_deref(), Some("638344"));
    let Listed(submitted): Listed<model::Receipt> =
        quick_xml::de::from_str(&fixture("samples/boston-submitrequest-token.xml")).unwrap();
    assert_eq!(submitted[0].service_request_id, None);
    let Listed(refused): Listed<model::Error> = quick_xml::de::from_str(&fixture(
        "samples/boston-err-submitrequest-base_is_duplicate.xml",
    ))
    .unwrap();
    assert_eq!(refused[0].code, 400);
}

#[tokio::test]
async fn the_service_list_is_the_catalogue_in_json_and_xml() {
    let app = TestApp::demo().await;
    let json = app.get("/open311/v2/services.json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
    let list = json.json();
    let items = list.as_array().unwrap();
    assert!(items.len() > 20, "{}", items.len());
    let service = validator("service.json");
    for item in items {
        assert_valid(&service, item);
    }
    let catalogue = app.get("/api/v1/catalogue").await.json();
    let topics: usize = catalogue["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["topics"].as_array().unwrap().len())
        .sum();
    assert_eq!(items.len(), topics, "one service per active topic");

    let xml_reply = app.get("/open311/v2/services.xml").await;
    assert_eq!(xml_reply.status, StatusCode::OK);
    assert!(
        xml_reply
            .header(header::CONTENT_TYPE)
            .starts_with("text/xml")
    );
    assert!(
        xml_reply
            .body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
    );
    let Listed(parsed): Listed<model::Service> = quick_xml::de::from_str(&xml_reply.body).unwrap();
    let from_json: Vec<model::Service> = serde_json::from_value(list.clone()).unwrap();
    assert_eq!(parsed, from_json, "both formats say the same");

    // Names follow the caller's language.
    let english = app
        .send(
            axum::http::Request::get("/open311/v2/services.json")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert_ne!(english[0]["service_name"], list[0]["service_name"]);
}

#[tokio::test]
async fn a_service_definition_and_the_errors_of_unknown_ones() {
    let app = TestApp::demo().await;
    let list = app.get("/open311/v2/services.json").await.json();
    let code = list[0]["service_code"].as_str().unwrap().to_owned();
    let json = app.get(&format!("/open311/v2/services/{code}.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_valid(&validator("service-definition.json"), &json.json());
    let xml_reply = app.get(&format!("/open311/v2/services/{code}.xml")).await;
    let parsed: xml::ServiceDefinition = quick_xml::de::from_str(&xml_reply.body).unwrap();
    assert_eq!(parsed.service_code, code);

    let missing = app.get("/open311/v2/services/no-such-service.json").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let errors: Vec<model::Error> = serde_json::from_str(&missing.body).unwrap();
    assert_eq!(errors[0].code, 404);
    assert!(!errors[0].description.is_empty());
    let missing = app.get("/open311/v2/services/no-such-service.xml").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let Listed(errors): Listed<model::Error> = quick_xml::de::from_str(&missing.body).unwrap();
    assert_eq!(errors[0].code, 404);

    // Only this region's jurisdiction is served; a format must be named.
    let region = app
        .get("/open311/v2/services.json?jurisdiction_id=priozerie")
        .await;
    assert_eq!(region.status, StatusCode::OK);
    let other = app
        .get("/open311/v2/services.xml?jurisdiction_id=boston")
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(
        other.body.contains("<errors><error><code>404</code>"),
        "{}",
        other.body
    );
    assert_eq!(
        app.get("/open311/v2/services.html").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn discovery_points_at_the_v2_endpoint_in_both_formats() {
    let app = TestApp::demo().await;
    let json: model::Discovery =
        serde_json::from_str(&app.get("/open311/discovery.json").await.body).unwrap();
    assert_eq!(json.endpoints.len(), 1);
    assert!(json.endpoints[0].url.ends_with("/open311/v2"));
    assert_eq!(json.endpoints[0].formats, ["text/xml", "application/json"]);
    let xml_doc: xml::Discovery =
        quick_xml::de::from_str(&app.get("/open311/discovery.xml").await.body).unwrap();
    assert_eq!(xml_doc.endpoints.endpoint[0].url, json.endpoints[0].url);
    assert_eq!(
        app.get("/open311/discovery.txt").await.status,
        StatusCode::NOT_FOUND
    );
}
