use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::{CryptoError, KeyProvider};

const NONCE_LEN: usize = 12;

/// Encrypts and decrypts personal-data values as `v<key version>:<base64(nonce ‖ ciphertext)>`.
#[derive(Clone)]
pub struct PersonalDataCipher {
    keys: Arc<dyn KeyProvider>,
}

impl std::fmt::Debug for PersonalDataCipher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PersonalDataCipher { keys: *** }")
    }
}

impl PersonalDataCipher {
    pub fn new(keys: Arc<dyn KeyProvider>) -> PersonalDataCipher {
        PersonalDataCipher { keys }
    }

    pub fn encrypt(&self, plain: &str) -> Result<String, CryptoError> {
        let version = self.keys.current_version();
        let cipher =
            Aes256Gcm::new_from_slice(&self.keys.key(version)?).map_err(|_| CryptoError::BadKey)?;
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| CryptoError::Undecryptable)?;
        let mut packed = nonce.to_vec();
        packed.extend_from_slice(&sealed);
        Ok(format!(
            "v{version}:{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(packed)
        ))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let (version, body) = stored
            .strip_prefix('v')
            .and_then(|rest| rest.split_once(':'))
            .ok_or(CryptoError::Malformed)?;
        let version: u32 = version.parse().map_err(|_| CryptoError::Malformed)?;
        let packed = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::Malformed)?;
        if packed.len() < NONCE_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, sealed) = packed.split_at(NONCE_LEN);
        let cipher =
            Aes256Gcm::new_from_slice(&self.keys.key(version)?).map_err(|_| CryptoError::BadKey)?;
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| CryptoError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Undecryptable)
    }

    /// Keyed hash of a normalised value (trimmed, lower-case), hex-encoded.
    pub fn blind_index(&self, value: &str) -> String {
        let normalised = value.trim().to_lowercase();
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.keys.index_key()) else {
            return String::new();
        };
        mac.update(normalised.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::LocalKeyProvider;

    fn cipher() -> PersonalDataCipher {
        PersonalDataCipher::new(Arc::new(LocalKeyProvider::demo()))
    }

    #[test]
    fn values_round_trip_and_never_show_in_clear() -> Result<(), CryptoError> {
        let stored = cipher().encrypt("Camille Durand")?;
        assert!(stored.starts_with("v1:"));
        assert!(!stored.contains("Camille"));
        assert_eq!(cipher().decrypt(&stored)?, "Camille Durand");
        Ok(())
    }

    #[test]
    fn a_tampered_value_is_refused() -> Result<(), CryptoError> {
        let stored = cipher().encrypt("secret")?;
        let mut tampered = stored.into_bytes();
        if let Some(last) = tampered.last_mut() {
            *last = if *last == b'A' { b'B' } else { b'A' };
        }
        let tampered = String::from_utf8_lossy(&tampered).to_string();
        assert!(cipher().decrypt(&tampered).is_err());
        Ok(())
    }

    #[test]
    fn the_blind_index_ignores_case_and_spaces() {
        assert_eq!(
            cipher().blind_index(" A@Example.test"),
            cipher().blind_index("a@example.test")
        );
        assert_ne!(
            cipher().blind_index("a@example.test"),
            cipher().blind_index("b@example.test")
        );
    }
}
