use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::CryptoError;

/// Where encryption keys come from.
pub trait KeyProvider: Send + Sync {
    /// The version new values are encrypted with.
    fn current_version(&self) -> u32;
    /// The 32-byte key of a version (old versions stay readable after a rotation).
    fn key(&self, version: u32) -> Result<[u8; 32], CryptoError>;
    /// The key of the blind index (keyed hash of e-mail and phone).
    fn index_key(&self) -> [u8; 32];
}

/// One key from configuration (`VIGIE_DATA_KEY`), version 1.
#[derive(Clone)]
pub struct LocalKeyProvider {
    key: [u8; 32],
}

impl std::fmt::Debug for LocalKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalKeyProvider(***)")
    }
}

impl LocalKeyProvider {
    pub fn from_base64(text: &str) -> Result<LocalKeyProvider, CryptoError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(LocalKeyProvider { key })
    }

    /// The fixed key of the demo (public: never for real data).
    pub fn demo() -> LocalKeyProvider {
        LocalKeyProvider {
            key: *b"vigie-demo-key-not-for-real-data",
        }
    }
}

impl KeyProvider for LocalKeyProvider {
    fn current_version(&self) -> u32 {
        1
    }

    fn key(&self, version: u32) -> Result<[u8; 32], CryptoError> {
        if version == 1 {
            Ok(self.key)
        } else {
            Err(CryptoError::UnknownKeyVersion(version))
        }
    }

    fn index_key(&self) -> [u8; 32] {
        // Derived, so that the index key differs from the encryption key.
        let mut hasher = Sha256::new();
        hasher.update(b"vigie blind index v1");
        hasher.update(self.key);
        hasher.finalize().into()
    }
}
