//! A page's view in its URL query, the parts every page writes the same way: values
//! percent-encoded, lists repeated or comma-separated, the filters under the API's names.

use crate::components::require_login::encode_component;
use crate::domain::indicators::Filters;

/// `name=value` pairs joined with `&`, values percent-encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", encode_component(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One `name=code` pair per filter value, with the API's parameter names.
pub fn filter_pairs(filters: &Filters) -> Vec<(&'static str, String)> {
    filters
        .named()
        .into_iter()
        .flat_map(|(name, values)| values.iter().map(move |value| (name, value.clone())))
        .collect()
}

/// A time expression as written in the URL; a `+` of an RFC 3339 offset that reached us
/// as a space (a query decoded as a form, after the login redirect) is put back.
pub fn repair_time(text: &str) -> String {
    text.trim().replace(' ', "+")
}

/// Every value of a parameter, repeated or comma-separated, trimmed, without duplicates.
pub fn list(query: &impl Fn(&str) -> Vec<String>, name: &str) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for raw in query(name) {
        for value in raw.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            if !values.iter().any(|known| known == value) {
                values.push(value.to_string());
            }
        }
    }
    values
}

/// The filters of a query, each under its API name.
pub fn filters_from(query: &impl Fn(&str) -> Vec<String>) -> Filters {
    let mut filters = Filters::default();
    for (name, _) in Filters::default().named() {
        if let Some(values) = filters.named_mut(name) {
            *values = list(query, name);
        }
    }
    filters
}
