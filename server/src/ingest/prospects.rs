//! A prospect as it arrives (personal data in clear, only in memory) and its sealing:
//! personal-data fields encrypted, e-mail and phone blind-indexed, before anything is
//! stored.

use crate::crypto::{CryptoError, PersonalDataCipher};
use crate::storage::journeys::EncryptedProspect;

/// A validated prospect. Its `Debug` never shows personal data.
#[derive(Clone)]
pub struct PlainProspect {
    pub prospect_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub birth_date: Option<String>,
    pub postal_code: Option<String>,
    pub created_at_ms: i64,
    pub contact_consent: bool,
}

impl std::fmt::Debug for PlainProspect {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PlainProspect")
            .field("prospect_id", &self.prospect_id)
            .field("personal_data", &"***")
            .finish()
    }
}

impl PlainProspect {
    pub fn seal(&self, cipher: &PersonalDataCipher) -> Result<EncryptedProspect, CryptoError> {
        Ok(EncryptedProspect {
            prospect_id: self.prospect_id.clone(),
            first_name_enc: cipher.encrypt(&self.first_name)?,
            last_name_enc: cipher.encrypt(&self.last_name)?,
            email_enc: cipher.encrypt(&self.email)?,
            email_hash: cipher.blind_index(&self.email),
            phone_enc: self
                .phone
                .as_deref()
                .map(|phone| cipher.encrypt(phone))
                .transpose()?,
            phone_hash: self.phone.as_deref().map(|phone| cipher.blind_index(phone)),
            birth_date_enc: self
                .birth_date
                .as_deref()
                .map(|date| cipher.encrypt(date))
                .transpose()?,
            postal_code: self.postal_code.clone(),
            created_at_ms: self.created_at_ms,
            contact_consent: self.contact_consent,
            place: None,
        })
    }
}
