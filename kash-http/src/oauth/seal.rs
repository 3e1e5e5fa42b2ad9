//! Secrets at rest: values sealed with ChaCha20-Poly1305 under a key derived from
//! `KASH_SECRET_KEY`, so that a copy of the store (a Redis dump, the redb file) reveals no
//! shop's API key. A random nonce per value; the purpose is bound as associated data, so a
//! value sealed for one use cannot be opened for another.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore as _;

/// Seals and opens values.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer")
    }
}

impl Sealer {
    /// A sealer with this 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
        }
    }

    /// `plain` sealed for `purpose`, as URL-safe base64 (nonce, then ciphertext and tag).
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: purpose.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// The value sealed for `purpose`, if `text` is one and is intact.
    pub fn open(&self, purpose: &str, text: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(12)?;
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: purpose.as_bytes(),
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_purpose_and_key() {
        let s = Sealer::new(&[7; 32]);
        let sealed = s.seal("api key", b"sk_live_secret");
        assert!(!sealed.contains("secret"));
        assert_eq!(
            s.open("api key", &sealed).as_deref(),
            Some(&b"sk_live_secret"[..])
        );
        assert_eq!(s.open("request", &sealed), None, "another purpose");
        assert_eq!(
            Sealer::new(&[8; 32]).open("api key", &sealed),
            None,
            "another key"
        );
        assert_ne!(
            sealed,
            s.seal("api key", b"sk_live_secret"),
            "a fresh nonce"
        );
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            s.open("api key", &String::from_utf8(tampered).unwrap()),
            None
        );
    }
}
