//! A page's cursor: the position of its last row, opaque to the caller (URL-safe
//! base64 of `<time ms>:<id>`), so that the next page starts right after it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::storage::keyset::PagePosition;

pub fn encode(position: &PagePosition) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", position.at_ms, position.id))
}

/// The position a cursor names; `None` when it is not one of ours.
pub fn decode(cursor: &str) -> Option<PagePosition> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (started_at, run_id) = text.split_once(':')?;
    Some(PagePosition {
        at_ms: started_at.parse().ok()?,
        id: run_id.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let position = PagePosition {
            at_ms: 1_764_000_000_000,
            id: "P:1-2".into(),
        };
        assert_eq!(decode(&encode(&position)), Some(position));
        assert_eq!(decode("not a cursor"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("x:y")), None);
    }
}
