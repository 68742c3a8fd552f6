//! API keys this node checked lately. An integrator submitting hundreds of
//! messages a second would otherwise cost a read of its key on every
//! request — a round trip to a reader as dear as the message's own reads.
//! A key is trusted for [`KEPT_FOR`] after it was read; a revocation on this
//! node takes effect at once, on another node within that time.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use vmeste_db::api_keys::ApiKey;
use vmeste_db::secret::hash;

/// How long a key read from the database is trusted without reading it again.
pub const KEPT_FOR: Duration = Duration::seconds(10);
/// Bounds the memory a flood of distinct live keys can take.
const MOST: usize = 10_000;

/// Live keys by the hash of their secret (the secret itself is not kept),
/// with when each was read.
#[derive(Debug, Default)]
pub struct LiveKeys {
    kept: Mutex<HashMap<String, (ApiKey, DateTime<Utc>)>>,
}

impl LiveKeys {
    /// The live key with this secret, if read less than [`KEPT_FOR`] ago.
    pub fn get(&self, secret: &str, now: DateTime<Utc>) -> Option<ApiKey> {
        let kept = self.lock();
        let (key, read_at) = kept.get(&hash(secret))?;
        (now - *read_at < KEPT_FOR).then(|| key.clone())
    }

    /// Keeps a live key just read (or just marked used) at `now`.
    pub fn keep(&self, secret: &str, key: ApiKey, now: DateTime<Utc>) {
        let mut kept = self.lock();
        if kept.len() >= MOST {
            kept.retain(|_, (_, read_at)| now - *read_at < KEPT_FOR);
            if kept.len() >= MOST {
                kept.clear();
            }
        }
        kept.insert(hash(secret), (key, now));
    }

    /// Drops a key that was revoked here.
    pub fn forget(&self, key_id: i64) {
        self.lock().retain(|_, (key, _)| key.id != key_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (ApiKey, DateTime<Utc>)>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use vmeste_db::api_keys::ApiKey;

    use super::{KEPT_FOR, LiveKeys, MOST};

    fn key(id: i64) -> ApiKey {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        ApiKey {
            id,
            organisation_id: 1,
            name: format!("key {id}"),
            prefix: "vmk_".into(),
            scopes: "submit".into(),
            created_by: 1,
            created_at: at,
            last_used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn a_key_is_trusted_for_a_while_and_forgotten_on_revocation() {
        let keys = LiveKeys::default();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        keys.keep("vmk_one", key(1), now);
        keys.keep("vmk_two", key(2), now);
        assert_eq!(keys.get("vmk_one", now).map(|k| k.id), Some(1));
        assert!(keys.get("vmk_other", now).is_none());
        let almost = now + KEPT_FOR - Duration::milliseconds(1);
        assert_eq!(keys.get("vmk_two", almost).map(|k| k.id), Some(2));
        assert!(keys.get("vmk_two", now + KEPT_FOR).is_none(), "read again");
        keys.forget(1);
        assert!(keys.get("vmk_one", now).is_none(), "revoked here");
        assert_eq!(keys.get("vmk_two", now).map(|k| k.id), Some(2));
    }

    #[test]
    fn a_flood_of_keys_is_bounded() {
        let keys = LiveKeys::default();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        for i in 0..=MOST as i64 {
            keys.keep(&format!("vmk_{i}"), key(i), now);
        }
        assert!(keys.lock().len() <= MOST);
        assert_eq!(
            keys.get(&format!("vmk_{MOST}"), now).map(|k| k.id),
            Some(MOST as i64)
        );
    }
}
