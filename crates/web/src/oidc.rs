//! Sign-in through a generic OpenID Connect provider (the path to ESIA /
//! Gosuslugi and to any regional identity service): authorization code flow
//! with PKCE (S256), state bound to the browser, nonce checked in the ID
//! token, whose signature, issuer, audience and expiry `openidconnect` checks.
//! Which claims carry the e-mail and the name is configurable, since state
//! providers do not all use the standard names.

use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde_json::Value;

/// The provider, as configured.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// Shown on the sign-in button: «Войти через Госуслуги».
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Requested besides `openid`.
    pub scopes: Vec<String>,
    /// Claim names; the standard ones by default.
    pub email_claim: String,
    pub email_verified_claim: String,
    pub name_claim: String,
    /// Where the provider sends the browser back: `<public_url>/login/oidc/callback`.
    pub redirect_url: String,
}

/// What the provider told us about the person.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// A sign-in to start: send the browser to `url`, remember the rest.
pub struct Start {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("OpenID Connect is not configured")]
    NotConfigured,
    #[error("provider discovery failed: {0}")]
    Discovery(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the ID token was refused: {0}")]
    IdToken(String),
}

pub struct Client {
    settings: Option<OidcSettings>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(settings: Option<OidcSettings>) -> Self {
        // No redirects: a provider's endpoint must answer itself (SSRF safety).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Self { settings, http }
    }

    pub fn settings(&self) -> Option<&OidcSettings> {
        self.settings.as_ref()
    }

    /// The provider's metadata is read on every sign-in: sign-ins are rare
    /// next to page views, and a provider's key rotation is then never missed.
    async fn client(&self) -> Result<(&OidcSettings, ConfiguredClient), OidcError> {
        let settings = self.settings.as_ref().ok_or(OidcError::NotConfigured)?;
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Config(format!("issuer: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Discovery(e.to_string()))?;
        let redirect = RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| OidcError::Config(format!("redirect URL: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            Some(ClientSecret::new(settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok((settings, client))
    }

    /// Starts a sign-in.
    pub async fn start(&self) -> Result<Start, OidcError> {
        let (settings, client) = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            // Our own format, so the browser's cookie carries it like our other tokens.
            || CsrfToken::new(vmeste_db::secret::new_token()),
            Nonce::new_random,
        );
        for scope in &settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Start {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code and checks the ID token against the nonce.
    pub async fn finish(
        &self,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<Identity, OidcError> {
        let (settings, client) = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(e.to_string()))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::IdToken("the provider sent no ID token".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
            .map_err(|e| OidcError::IdToken(e.to_string()))?;
        let subject = claims.subject().to_string();
        // The token is verified; read the configured claim names from its payload.
        let payload = payload_of(&id_token.to_string())?;
        let text = |name: &str| {
            payload
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let email_verified = match payload.get(&settings.email_verified_claim) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        Ok(Identity {
            subject,
            email: text(&settings.email_claim).map(|e| e.to_lowercase()),
            email_verified,
            name: text(&settings.name_claim),
        })
    }
}

type ConfiguredClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn payload_of(jwt: &str) -> Result<Value, OidcError> {
    let part = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| OidcError::IdToken("malformed token".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| OidcError::IdToken(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| OidcError::IdToken(e.to_string()))
}
