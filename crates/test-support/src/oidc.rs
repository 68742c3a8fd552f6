//! A real OpenID Connect provider for tests: panva's `oidc-provider` from npm,
//! run by `oidc-provider/server.mjs` with one client and one account whose
//! login and consent complete by themselves.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The one person the provider knows.
pub struct OidcAccount<'a> {
    pub sub: &'a str,
    pub email: &'a str,
    pub email_verified: bool,
    pub name: &'a str,
}

pub struct OidcProvider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    child: Child,
    _stdin: ChildStdin,
}

impl OidcProvider {
    /// Starts the provider for a client that returns to `redirect_uri`.
    pub fn start(redirect_uri: &str, account: &OidcAccount<'_>) -> Self {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/oidc-provider");
        assert!(
            std::path::Path::new(folder).join("node_modules").exists(),
            "the OIDC provider is not installed: run `npm ci --prefix crates/test-support/oidc-provider`"
        );
        let (client_id, client_secret) = ("vmeste-test", "vmeste-test-secret-0123456789abcdef");
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(folder)
            .env("OIDC_CLIENT_ID", client_id)
            .env("OIDC_CLIENT_SECRET", client_secret)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .env("OIDC_SUB", account.sub)
            .env("OIDC_EMAIL", account.email)
            .env("OIDC_EMAIL_VERIFIED", account.email_verified.to_string())
            .env("OIDC_NAME", account.name)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let stdin = child.stdin.take().expect("stdin piped");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut reader = BufReader::new(stdout);
        let port = loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line).expect("the provider's output");
            assert!(read > 0, "the OIDC provider exited before listening");
            if let Some(port) = line.trim().strip_prefix("LISTENING ") {
                break port.to_owned();
            }
        };
        // Keep reading: a closed pipe would kill the provider at its next line.
        std::thread::spawn(move || reader.lines().for_each(drop));
        Self {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            child,
            _stdin: stdin,
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
