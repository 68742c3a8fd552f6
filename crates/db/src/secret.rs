//! Random secrets handed to browsers and integrators (session cookies, e-mail
//! links, API keys) and the one-way hashes kept of them: a copy of the
//! database opens nothing.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Bytes as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            use std::fmt::Write;
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// A fresh secret token: 256 random bits, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The stored form of a token. SHA-256 suffices: tokens carry 256 random
/// bits, so there is nothing to guess that a slow hash would protect.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}
