//! Personal data at rest: authenticated encryption (AES-256-GCM) with the key version
//! stored beside each value, and a keyed hash (blind index) for exact-match search.
//! Keys come from a [`KeyProvider`]: a local key from configuration today, an external
//! key service (such as Vault's transit engine) later, without touching the callers.

mod cipher;
mod keys;

pub use cipher::PersonalDataCipher;
pub use keys::{KeyProvider, LocalKeyProvider};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the key must be 32 bytes in base64")]
    BadKey,
    #[error("the stored value is not a ciphertext of this application")]
    Malformed,
    #[error("no key with version {0}")]
    UnknownKeyVersion(u32),
    #[error("the value does not decrypt with its key (tampered or wrong key)")]
    Undecryptable,
}
