//! The application in-process, on a fresh database, with a fake clock.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use vmeste_db::demo;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::{Clock, FakeClock};
use vmeste_test_support::{TestDb, fake_clock};
use vmeste_web::{AppState, WebSettings};

pub struct TestApp {
    pub test: TestDb,
    pub clock: Arc<FakeClock>,
    pub router: Router,
    /// `Bearer …` for an integrator's key (read and submit) of the demo's
    /// first organisation; empty without organisations.
    pub bearer: String,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came, for compressed or binary responses.
    pub bytes: axum::body::Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    /// The demo region, loaded at the fake clock's time.
    pub async fn demo() -> Self {
        Self::demo_with(WebSettings::default()).await
    }

    pub async fn demo_with(settings: WebSettings) -> Self {
        let test = TestDb::new().await;
        let clock = fake_clock();
        demo::load(
            &test.db,
            clock.as_ref(),
            &ProductionCalendar::russian_federal(),
        )
        .await
        .unwrap();
        Self::with(test, clock, settings).await
    }

    pub async fn empty() -> Self {
        Self::with(TestDb::new().await, fake_clock(), WebSettings::default()).await
    }

    async fn with(test: TestDb, clock: Arc<FakeClock>, settings: WebSettings) -> Self {
        let state = AppState::load(
            test.db.clone(),
            clock.clone(),
            ProductionCalendar::russian_federal(),
            settings,
        )
        .await
        .unwrap();
        let bearer = integrator_key(&test, clock.now()).await;
        Self {
            test,
            clock,
            router: vmeste_web::router(state),
            bearer,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, uri: &str, body: &serde_json::Value) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, &self.bearer)
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Any active topic of the demo catalogue and a point in the capital.
    pub async fn topic_and_point(&self) -> (i64, f64, f64) {
        let catalogue = self.get("/api/v1/catalogue").await.json();
        let topic = catalogue["categories"][0]["topics"][0]["id"]
            .as_i64()
            .unwrap();
        let page = self.get("/api/v1/messages?limit=1").await.json();
        let location = &page["items"][0]["location"];
        (
            topic,
            location["lat"].as_f64().unwrap(),
            location["lon"].as_f64().unwrap(),
        )
    }
}

async fn integrator_key(test: &TestDb, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut tx = test.db.write().await.unwrap();
    let orgs = vmeste_db::organisations::list(&mut tx.conn())
        .await
        .unwrap();
    let admin = vmeste_db::users::by_email(&mut tx.conn(), "admin@demo.vmeste.example")
        .await
        .unwrap();
    let (Some(org), Some(admin)) = (orgs.first(), admin) else {
        return String::new();
    };
    let scopes = [
        vmeste_db::api_keys::Scope::Read,
        vmeste_db::api_keys::Scope::Submit,
    ];
    let (_, secret) =
        vmeste_db::api_keys::create(&mut tx.conn(), org.id, "tests", &scopes, admin.id, now)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    format!("Bearer {secret}")
}

/// The hidden CSRF field's value on a form page.
pub fn csrf_field(html: &str) -> String {
    quoted_after(html, "name=\"csrf\" value=\"")
}

/// What follows the first `marker` in `html` up to the next quote.
pub fn quoted_after(html: &str, marker: &str) -> String {
    html.split(marker)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// The part of `html` inside the select with this id (empty if none).
fn select_body<'a>(html: &'a str, select: &str) -> &'a str {
    html.split(&format!("<select id=\"{select}\""))
        .nth(1)
        .and_then(|part| part.split("</select>").next())
        .unwrap_or_default()
}

/// The values a select offers (a placeholder without a value left out),
/// each with whether it is selected.
pub fn options(html: &str, select: &str) -> Vec<(String, bool)> {
    select_body(html, select)
        .split("<option value=\"")
        .skip(1)
        .map(|o| {
            let value = o.split('"').next().unwrap().to_string();
            (value, o.contains("\" selected>"))
        })
        .filter(|(value, _)| !value.is_empty())
        .collect()
}

/// A select's `<optgroup>`s: each label with the values under it.
pub fn option_groups(html: &str, select: &str) -> Vec<(String, Vec<String>)> {
    select_body(html, select)
        .split("<optgroup label=\"")
        .skip(1)
        .map(|group| {
            let label = group.split('"').next().unwrap().to_string();
            let values = options(&format!("<select id=\"g\">{group}"), "g")
                .into_iter()
                .map(|(value, _)| value)
                .collect();
            (label, values)
        })
        .collect()
}

/// The first topic and the first territory offered by the report form.
pub fn first_topic_and_territory(html: &str) -> (String, String) {
    let option = |part: &str, nth| {
        part.split("<option value=\"")
            .nth(nth)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let topic = option(html.split("<optgroup").nth(1).unwrap(), 1);
    let territory = option(html.split("id=\"territory_id\"").nth(1).unwrap(), 2);
    (topic, territory)
}

impl TestApp {
    pub async fn get_with(&self, uri: &str, cookies: &str) -> Reply {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form the way a browser without JavaScript does.
    pub async fn post_form(
        &self,
        uri: &str,
        cookies: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookies) = cookies {
            request = request.header(header::COOKIE, cookies);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }
}

impl TestApp {
    /// A session of the account with this e-mail, made as a sign-in would:
    /// its id and the cookie.
    pub async fn session_of(&self, email: &str) -> (i64, String) {
        let mut tx = self.test.db.write().await.unwrap();
        let user = vmeste_db::users::by_email(&mut tx.conn(), email)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {email}"));
        let token = vmeste_db::sessions::new_token();
        let life = WebSettings::default().sessions;
        vmeste_db::sessions::create(
            &mut tx.conn(),
            &token,
            user.id,
            self.clock.now(),
            life,
            false,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (user.id, format!("vmeste_session={token}"))
    }

    /// A request with a session cookie or a bearer key.
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        auth: &str,
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        request = if auth.starts_with("Bearer ") {
            request.header(header::AUTHORIZATION, auth)
        } else {
            request.header(header::COOKIE, auth)
        };
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }
}

/// A `multipart/form-data` body of fields and files `(field, filename,
/// bytes)`, as a browser sends a form with files: its content type and bytes.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "vmeste-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, filename, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
