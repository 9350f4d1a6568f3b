//! A page's view in its URL query, the parts every page writes the same way: values
//! percent-encoded, lists repeated or comma-separated, the filters under the API's names,
//! production only unless the view asks for recette.

use crate::components::environment_choice::PRODUCTION;
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

/// A list's range and filters in one line (`now-24h → now · probe = P1, P2`).
pub fn scope_text(from: &str, to: &str, filters: &Filters) -> String {
    let mut parts = vec![format!("{from} → {to}")];
    for (name, values) in filters.named() {
        if !values.is_empty() {
            parts.push(format!("{name} = {}", values.join(", ")));
        }
    }
    parts.join(" · ")
}

/// What a view shows when its URL names no filter: production only.
pub fn production_filters() -> Filters {
    Filters {
        environment: vec![PRODUCTION.to_string()],
        ..Filters::default()
    }
}

/// The filters of a query, each under its API name. Production first: a query that
/// names neither an environment nor a probe (a probe has its own) keeps production.
pub fn filters_from(query: &impl Fn(&str) -> Vec<String>) -> Filters {
    let mut filters = Filters::default();
    for (name, _) in Filters::default().named() {
        if let Some(values) = filters.named_mut(name) {
            *values = list(query, name);
        }
    }
    if filters.environment.is_empty() && filters.probe.is_empty() {
        filters.environment = vec![PRODUCTION.to_string()];
    }
    filters
}

/// A query of fixed `(name, value)` pairs, for tests.
#[cfg(test)]
pub fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Vec<String> {
    move |name| {
        pairs
            .iter()
            .filter(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_shows_production_unless_it_names_an_environment_or_a_probe() {
        assert_eq!(filters_from(&lookup(&[])).environment, vec!["prod"]);
        assert_eq!(
            filters_from(&lookup(&[("product", "CCO")])).environment,
            vec!["prod"]
        );
        let both = filters_from(&lookup(&[("environment", "prod,recette")]));
        assert_eq!(both.environment, vec!["prod", "recette"]);
        let probe = filters_from(&lookup(&[("probe", "PRB_PEA_WEB_REC")]));
        assert!(probe.environment.is_empty());
    }
}
