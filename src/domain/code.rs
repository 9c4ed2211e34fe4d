//! Access codes: the only key to a room, so they must be unguessable.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// Crockford's base32 alphabet: digits and letters without I, L, O and U, so
/// a code read aloud or copied by hand is hard to get wrong.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Number of symbols in a code: 13 × 5 bits = 65 random bits.
const SYMBOLS: usize = 13;

/// A room's access code, always held in canonical form (`xxxx-xxxx-xxxxx`,
/// lower case).
///
/// Codes carry 65 bits from the operating system's CSPRNG; the random bytes
/// are passed in by the caller so that the domain stays free of I/O.
///
/// The text is shared: a code is copied into caches, channels, frames and
/// queues for every command, and a copy only counts a reference.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccessCode(Arc<str>);

impl AccessCode {
    /// Builds a code from random bytes (only the low 65 bits are used).
    pub fn from_random(bytes: [u8; 9]) -> Self {
        let mut value = u128::from_le_bytes({
            let mut wide = [0u8; 16];
            wide[..9].copy_from_slice(&bytes);
            wide
        });
        let mut symbols = [0u8; SYMBOLS];
        for symbol in symbols.iter_mut() {
            *symbol = ALPHABET[(value & 31) as usize];
            value >>= 5;
        }
        Self::from_symbols(&symbols)
    }

    /// Reads a code typed or pasted by a person: case-insensitive, hyphens
    /// and spaces optional, `i`/`l` read as `1` and `o` as `0`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let mut symbols = [0u8; SYMBOLS];
        let mut count = 0;
        for byte in input.trim().bytes() {
            let symbol = match byte.to_ascii_lowercase() {
                b'-' | b' ' => continue,
                b'i' | b'l' => b'1',
                b'o' => b'0',
                b => b,
            };
            // Every byte of a multi-byte character is above 0x7f, so none
            // passes this check.
            if !symbol.is_ascii_alphanumeric() || symbol == b'u' {
                return Err(DomainError::invalid(
                    "an access code has only letters and digits",
                ));
            }
            if count == SYMBOLS {
                return Err(Self::wrong_length());
            }
            symbols[count] = symbol;
            count += 1;
        }
        if count != SYMBOLS {
            return Err(Self::wrong_length());
        }
        Ok(Self::from_symbols(&symbols))
    }

    fn wrong_length() -> DomainError {
        DomainError::invalid(format!("an access code has {SYMBOLS} letters and digits"))
    }

    /// A short, stable stand-in for the code in logs: the first 8 hex
    /// digits of its SHA-256. The code is the only key to a room, so it
    /// never appears in logs itself; this is enough to follow one room
    /// through them and useless for opening it.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.as_str().as_bytes());
        let hex = |nibble: u8| char::from(b"0123456789abcdef"[usize::from(nibble)]);
        digest[..4]
            .iter()
            .flat_map(|b| [hex(b >> 4), hex(b & 15)])
            .collect()
    }

    /// The canonical text of the code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stable number derived from the code, at most 2^52, for APIs that
    /// want a numeric id (JavaScript reads it exactly).
    pub fn numeric_id(&self) -> u64 {
        self.0
            .bytes()
            .filter(|b| *b != b'-')
            .take(10)
            .fold(0u64, |acc, b| {
                let digit = ALPHABET.iter().position(|a| *a == b).unwrap_or(0) as u64;
                (acc << 5) | digit
            })
            >> 2
    }

    fn from_symbols(symbols: &[u8; SYMBOLS]) -> Self {
        let mut text = [b'-'; SYMBOLS + 2];
        text[..4].copy_from_slice(&symbols[..4]);
        text[5..9].copy_from_slice(&symbols[4..8]);
        text[10..].copy_from_slice(&symbols[8..]);
        Self(Arc::from(
            std::str::from_utf8(&text).expect("the alphabet is ASCII"),
        ))
    }
}

impl fmt::Display for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessCode({})", self.0)
    }
}

impl TryFrom<String> for AccessCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AccessCode> for String {
    fn from(code: AccessCode) -> String {
        code.0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_codes_are_canonical_and_round_trip() {
        let code = AccessCode::from_random([0xff, 1, 2, 3, 4, 5, 6, 7, 0x80]);
        assert_eq!(code.as_str().len(), 15);
        assert_eq!(AccessCode::parse(code.as_str()).unwrap(), code);
    }

    #[test]
    fn input_is_case_and_hyphen_insensitive_with_lookalikes() {
        let code = AccessCode::parse("abcd-0111-xyz00").unwrap();
        assert_eq!(AccessCode::parse("ABCDOILIXYZOO").unwrap(), code);
        assert_eq!(AccessCode::parse(" abcd 0111 xyz00 ").unwrap(), code);
    }

    #[test]
    fn bad_input_is_refused() {
        for bad in [
            "",
            "abc",
            "abcd-0111-xyz0",
            "abcd-0111-xyz000",
            "abcd-0111-xyz0u",
            "ábcd0111xyz00",
        ] {
            assert!(AccessCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// Each ASCII character is read as the symbol the alphabet says, or
    /// refused: checked against the alphabet itself for every byte.
    #[test]
    fn every_ascii_character_is_read_by_the_alphabet() {
        for byte in 0u8..128 {
            let c = char::from(byte);
            let input: String = std::iter::repeat_n(c, SYMBOLS).collect();
            let lower = byte.to_ascii_lowercase();
            let expected = match lower {
                b'i' | b'l' => Some(b'1'),
                b'o' => Some(b'0'),
                b if ALPHABET.contains(&b) => Some(b),
                _ => None,
            };
            match (AccessCode::parse(&input), expected) {
                (Ok(code), Some(symbol)) => {
                    assert!(
                        code.as_str().bytes().all(|b| b == symbol || b == b'-'),
                        "{c:?}"
                    )
                }
                (Err(_), None) => {}
                // Hyphens and spaces are skipped: nothing is left.
                (Err(_), Some(_)) => unreachable!("{c:?} refused"),
                (Ok(_), None) => panic!("{c:?} accepted"),
            }
        }
    }

    #[test]
    fn the_fingerprint_is_the_start_of_the_codes_sha256() {
        let code = AccessCode::parse("abcd-0111-xyz00").unwrap();
        assert_eq!(code.fingerprint(), "aa4f6fb4");
    }

    #[test]
    fn different_random_bytes_give_different_codes() {
        let a = AccessCode::from_random([1; 9]);
        let b = AccessCode::from_random([2; 9]);
        assert_ne!(a, b);
        assert!(a.numeric_id() < 1 << 53);
    }
}
