//! The runs list's view in the URL query (`/runs?from=…&to=…&probe=…&status=KO,TIMEOUT
//! &cursor=…`), read leniently (an unknown status is left out) and written back whole.

use leptos_router::params::ParamsMap;

use crate::components::require_login::encode_component;
use crate::domain::indicators::Filters;
use crate::domain::runs::RunsQuery;
use crate::domain::status::RunStatus;
use crate::pages::url_query::{
    filter_pairs, filters_from, list, production_filters, query_string, repair_time,
};

pub const RUNS_PATH: &str = "/runs";
/// Runs per page in the web app.
pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunsView {
    pub from: String,
    pub to: String,
    pub filters: Filters,
    /// Empty: every status.
    pub statuses: Vec<RunStatus>,
    pub cursor: Option<String>,
}

impl Default for RunsView {
    fn default() -> RunsView {
        RunsView {
            from: "now-24h".into(),
            to: "now".into(),
            filters: production_filters(),
            statuses: Vec::new(),
            cursor: None,
        }
    }
}

/// The page of one run.
pub fn run_href(run_id: &str) -> String {
    format!("{RUNS_PATH}/{}", encode_component(run_id))
}

impl RunsView {
    pub fn from_query(query: &ParamsMap) -> RunsView {
        RunsView::from_lookup(|name| query.get_all(name).unwrap_or_default())
    }

    /// Reads the view from `query(name)`, which gives every value of a parameter.
    pub fn from_lookup(query: impl Fn(&str) -> Vec<String>) -> RunsView {
        let query = &query;
        let last = |name: &str| list(query, name).pop();
        let statuses = list(query, "status")
            .iter()
            .filter_map(|name| name.parse().ok())
            .collect();
        let defaults = RunsView::default();
        RunsView {
            from: last("from").map_or(defaults.from, |text| repair_time(&text)),
            to: last("to").map_or(defaults.to, |text| repair_time(&text)),
            filters: filters_from(query),
            statuses,
            cursor: last("cursor"),
        }
    }

    /// The link that gives this view back.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> =
            vec![("from", self.from.clone()), ("to", self.to.clone())];
        pairs.extend(filter_pairs(&self.filters));
        if !self.statuses.is_empty() {
            let names: Vec<&str> = self.statuses.iter().map(|status| status.as_str()).collect();
            pairs.push(("status", names.join(",")));
        }
        if let Some(cursor) = &self.cursor {
            pairs.push(("cursor", cursor.clone()));
        }
        format!("{RUNS_PATH}?{}", query_string(&pairs))
    }

    /// The last 24 hours of one probe's runs.
    pub fn of_probe(probe_code: &str) -> RunsView {
        RunsView {
            filters: Filters {
                probe: vec![probe_code.to_string()],
                ..Filters::default()
            },
            ..RunsView::default()
        }
    }

    /// What the server is asked.
    pub fn query(&self) -> RunsQuery {
        RunsQuery {
            filters: self.filters.clone(),
            statuses: self.statuses.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            limit: PAGE_SIZE,
            cursor: self.cursor.clone(),
        }
    }

    /// The same list showing only `statuses`, from its first page.
    pub fn with_statuses(&self, statuses: Vec<RunStatus>) -> RunsView {
        RunsView {
            statuses,
            cursor: None,
            ..self.clone()
        }
    }

    /// The same list in `environments`, from its first page.
    pub fn with_environments(&self, environments: Vec<String>) -> RunsView {
        let mut next = self.clone();
        next.filters.environment = environments;
        next.cursor = None;
        next
    }

    /// The same list from `cursor` (`None`: the first page).
    pub fn at(&self, cursor: Option<String>) -> RunsView {
        RunsView {
            cursor,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::url_query::lookup;

    #[test]
    fn a_view_round_trips_through_its_link() {
        let view = RunsView::from_lookup(lookup(&[
            ("from", "now-7d"),
            ("probe", "P1,P2"),
            ("status", "KO"),
            ("status", "TIMEOUT,NOPE"),
            ("cursor", "abc"),
        ]));
        assert_eq!(view.filters.probe, vec!["P1", "P2"]);
        assert_eq!(view.statuses, vec![RunStatus::Ko, RunStatus::Timeout]);
        assert_eq!(view.to, "now");
        let href = view.href();
        assert!(
            href.starts_with("/runs?from=now-7d&to=now&probe=P1&probe=P2"),
            "{href}"
        );
        assert!(
            href.contains("status=KO%2CTIMEOUT") && href.ends_with("cursor=abc"),
            "{href}"
        );
    }

    #[test]
    fn choosing_statuses_starts_again_from_the_first_page() {
        let view = RunsView {
            cursor: Some("abc".into()),
            ..RunsView::default()
        };
        let failed = view.with_statuses(vec![RunStatus::Ko]);
        assert_eq!(failed.cursor, None);
        assert_eq!(failed.query().limit, PAGE_SIZE);
    }
}
