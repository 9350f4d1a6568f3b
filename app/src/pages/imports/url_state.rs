//! The Imports page's view in the URL query (`/imports?import=…&file=…&rule=…&page=…`),
//! so that a link shows a colleague the same import, filters and page.

use leptos_router::params::ParamsMap;

use crate::components::require_login::encode_component;
use crate::i18n::Lang;

pub const IMPORTS_PATH: &str = "/imports";
/// Rejected rows per page.
pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportsView {
    /// The selected import.
    pub import: Option<String>,
    /// Rejected rows of this file type only.
    pub file: Option<String>,
    /// Rejected rows that broke this rule only.
    pub rule: Option<String>,
    /// The page of rejected rows, from 1.
    pub page: i64,
}

impl ImportsView {
    pub fn from_query(query: &ParamsMap) -> ImportsView {
        ImportsView::from_lookup(|name| query.get(name))
    }

    /// Never fails: an empty value is no choice, an unreadable page is the first.
    pub fn from_lookup(query: impl Fn(&str) -> Option<String>) -> ImportsView {
        let text = |name: &str| query(name).filter(|value| !value.trim().is_empty());
        ImportsView {
            import: text("import"),
            file: text("file"),
            rule: text("rule"),
            page: text("page")
                .and_then(|page| page.parse::<i64>().ok())
                .filter(|page| *page >= 1)
                .unwrap_or(1),
        }
    }

    pub fn href(&self) -> String {
        let mut pairs = Vec::new();
        for (name, value) in [
            ("import", &self.import),
            ("file", &self.file),
            ("rule", &self.rule),
        ] {
            if let Some(value) = value {
                pairs.push(format!("{name}={}", encode_component(value)));
            }
        }
        if self.page > 1 {
            pairs.push(format!("page={}", self.page));
        }
        if pairs.is_empty() {
            IMPORTS_PATH.to_string()
        } else {
            format!("{IMPORTS_PATH}?{}", pairs.join("&"))
        }
    }

    /// Another import, with no filter and on the first page.
    pub fn selecting(import_id: &str) -> ImportsView {
        ImportsView {
            import: Some(import_id.to_string()),
            ..ImportsView::default()
        }
    }

    /// The same import with other filters, back on the first page.
    pub fn filtered(&self, file: Option<String>, rule: Option<String>) -> ImportsView {
        ImportsView {
            import: self.import.clone(),
            file,
            rule,
            page: 1,
        }
    }

    pub fn on_page(&self, page: i64) -> ImportsView {
        ImportsView {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// The first rejected row of the page (0-based offset).
    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }

    /// Where the CSV of the selected import's rejected rows, with these filters, downloads.
    /// The rejected rows' CSV export, its messages in `lang`.
    pub fn csv_href(&self, lang: Lang) -> Option<String> {
        let import = self.import.as_ref()?;
        let mut path = format!(
            "/api/v1/imports/{}/rejections.csv",
            encode_component(import)
        );
        let filters: Vec<String> = [("file_type", &self.file), ("rule", &self.rule)]
            .into_iter()
            .filter_map(|(name, value)| {
                value
                    .as_ref()
                    .map(|value| format!("{name}={}", encode_component(value)))
            })
            .collect();
        path.push_str("?lang=");
        path.push_str(lang.code());
        for filter in filters {
            path.push('&');
            path.push_str(&filter);
        }
        Some(path)
    }
}

/// "rows X–Y of N" as numbers: the first and last row of the page (1-based), or `None`
/// when nothing matches.
pub fn page_bounds(offset: i64, shown: usize) -> Option<(i64, i64)> {
    (shown > 0).then(|| (offset + 1, offset + shown as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> ImportsView {
        ImportsView::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn an_empty_query_selects_nothing_on_the_first_page() {
        assert_eq!(
            parse(&[]),
            ImportsView {
                page: 1,
                ..ImportsView::default()
            }
        );
        assert_eq!(parse(&[]).href(), "/imports");
    }

    #[test]
    fn a_view_round_trips_through_the_query() {
        let view = parse(&[
            ("import", "IMPORT_20260301_060000_001"),
            ("file", "prospects"),
            ("rule", "type"),
            ("page", "3"),
        ]);
        assert_eq!(
            view.href(),
            "/imports?import=IMPORT_20260301_060000_001&file=prospects&rule=type&page=3"
        );
        assert_eq!(view.offset(), 100);
    }

    #[test]
    fn unreadable_or_empty_values_take_their_default() {
        let view = parse(&[("import", "A"), ("file", ""), ("page", "zero")]);
        assert_eq!(view.file, None);
        assert_eq!(view.page, 1);
        assert_eq!(parse(&[("page", "-2")]).page, 1);
    }

    #[test]
    fn a_new_filter_goes_back_to_the_first_page() {
        let view = parse(&[("import", "A"), ("page", "4")]);
        let filtered = view.filtered(Some("prospects".into()), None);
        assert_eq!(filtered.href(), "/imports?import=A&file=prospects");
    }

    #[test]
    fn the_csv_link_carries_the_chosen_filters_only() {
        assert_eq!(ImportsView::default().csv_href(Lang::Fr), None);
        let view = parse(&[("import", "A"), ("rule", "unknown_reference")]);
        assert_eq!(
            view.csv_href(Lang::En).as_deref(),
            Some("/api/v1/imports/A/rejections.csv?lang=en&rule=unknown_reference")
        );
    }

    #[test]
    fn page_bounds_count_from_one() {
        assert_eq!(page_bounds(0, 50), Some((1, 50)));
        assert_eq!(page_bounds(100, 20), Some((101, 120)));
        assert_eq!(page_bounds(0, 0), None);
    }
}
