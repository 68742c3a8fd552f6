//! Time-based one-time passwords (RFC 6238) as the optional second factor:
//! 6 digits, 30-second steps, one step of clock skew either way, each step
//! accepted once (the caller records the step it got back).

use chrono::{DateTime, Utc};
use totp_rs::{Builder, Secret, Totp};

/// Shown in authenticator apps beside the account.
const ISSUER: &str = "Vmeste";

/// A fresh secret, base32 as authenticator apps take it.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The time step a code was good for, if it is right at `now`.
pub fn check(secret: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let seconds = u64::try_from(now.timestamp()).ok()?;
    let step = totp(secret, "")?.check(&code, seconds)?;
    i64::try_from(step).ok()
}

/// The `otpauth://` address an authenticator app reads (typed in or from a QR code).
pub fn setup_url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The current code, for tests and for nothing else.
pub fn code_at(secret: &str, now: DateTime<Utc>) -> Option<String> {
    let seconds = u64::try_from(now.timestamp()).ok()?;
    Some(totp(secret, "")?.generate(seconds).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_works_within_one_step_and_not_after() {
        let secret = new_secret();
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        let code = code_at(&secret, now).unwrap_or_default();
        assert!(check(&secret, &code, now).is_some());
        assert!(check(&secret, &code, now + chrono::Duration::seconds(30)).is_some());
        assert!(check(&secret, &code, now + chrono::Duration::seconds(120)).is_none());
        assert!(check(&secret, "000000x", now).is_none());
        assert!(
            setup_url(&secret, "a@b.example").is_some_and(|u| u.starts_with("otpauth://totp/"))
        );
    }
}
