//! The host key of a locked room: whoever holds it controls the timer and
//! the roles; everyone else watches.
//!
//! The room keeps only the key's SHA-256, so a leaked database or a stream
//! (which carries the whole room) gives nobody control.

use sha2::{Digest, Sha256};

use super::DomainError;

/// Hex digits in a key (128 bits).
const LENGTH: usize = 32;

/// A room's host key, as handed to its creator once.
#[derive(Clone, PartialEq, Eq)]
pub struct HostKey(String);

impl std::fmt::Debug for HostKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostKey(..)")
    }
}

impl HostKey {
    /// A key from 16 random bytes (the caller brings the randomness).
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Reads a key as sent back by a client: 32 hex digits, any case.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let key = input.trim().to_ascii_lowercase();
        if key.len() != LENGTH || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DomainError::invalid("a host key is 32 hexadecimal digits"));
        }
        Ok(Self(key))
    }

    /// The key's text, to hand to the creator.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the room stores instead of the key.
    pub fn digest(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_in_any_case_and_garbage_is_refused() {
        let key = HostKey::from_random([0xab; 16]);
        assert_eq!(key.as_str().len(), 32);
        assert_eq!(HostKey::parse(&key.as_str().to_uppercase()).unwrap(), key);
        assert!(HostKey::parse("xyz").is_err());
        assert!(HostKey::parse(&"g".repeat(32)).is_err());
        assert_ne!(key.digest(), key.as_str());
        assert_eq!(format!("{key:?}"), "HostKey(..)", "never printed");
    }
}
