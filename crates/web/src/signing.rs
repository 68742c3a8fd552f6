//! Values the server signs and later recognises as its own: the widget's
//! form tokens and the proof that a browser just filed a message. The key
//! is a random secret kept in the platform's settings, the same for every
//! application node.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key signatures are made with.
#[derive(Clone)]
pub struct FormKey(Arc<[u8]>);

impl FormKey {
    /// The name of the secret in the platform's settings.
    pub const SETTING: &'static str = "form_signing_key";

    pub fn new(secret: &str) -> Self {
        Self(Arc::from(secret.as_bytes()))
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(message.as_bytes());
        mac
    }

    /// The signature of `message`, in hex.
    pub fn sign(&self, message: &str) -> String {
        vmeste_db::secret::hex(&self.mac(message).finalize().into_bytes())
    }

    /// Whether `signature` (hex) is this key's signature of `message`;
    /// compared in constant time.
    pub fn verify(&self, message: &str, signature: &str) -> bool {
        let Some(bytes) = unhex(signature) else {
            return false;
        };
        self.mac(message).verify_slice(&bytes).is_ok()
    }
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.is_ascii() {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::FormKey;

    #[test]
    fn a_signature_holds_for_its_message_and_key_only() {
        let key = FormKey::new("secret");
        let signature = key.sign("widget-sent:7");
        assert!(key.verify("widget-sent:7", &signature));
        assert!(!key.verify("widget-sent:8", &signature));
        assert!(!FormKey::new("other").verify("widget-sent:7", &signature));
        assert!(!key.verify("widget-sent:7", "zz"));
        assert!(!key.verify("widget-sent:7", ""));
    }
}
