//! The incidents list's view in the URL query (`/incidents?from=now-7d&to=now&probe=…
//! &lanes=service&cursor=…`), read leniently and written back whole.

use leptos_router::params::ParamsMap;

use crate::components::require_login::encode_component;
use crate::domain::incidents::IncidentsQuery;
use crate::domain::indicators::Filters;
use crate::pages::url_query::{
    filter_pairs, filters_from, list, production_filters, query_string, repair_time,
};

pub const INCIDENTS_PATH: &str = "/incidents";
/// Incidents per page in the web app (the timeline draws the page's incidents).
pub const PAGE_SIZE: i64 = 200;

/// What the timeline's lanes are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lanes {
    #[default]
    Probe,
    Service,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentsView {
    pub from: String,
    pub to: String,
    pub filters: Filters,
    pub lanes: Lanes,
    pub cursor: Option<String>,
}

impl Default for IncidentsView {
    fn default() -> IncidentsView {
        IncidentsView {
            from: "now-7d".into(),
            to: "now".into(),
            filters: production_filters(),
            lanes: Lanes::Probe,
            cursor: None,
        }
    }
}

/// The page of one incident.
pub fn incident_href(incident_id: &str) -> String {
    format!("{INCIDENTS_PATH}/{}", encode_component(incident_id))
}

impl IncidentsView {
    pub fn from_query(query: &ParamsMap) -> IncidentsView {
        IncidentsView::from_lookup(|name| query.get_all(name).unwrap_or_default())
    }

    /// Reads the view from `query(name)`, which gives every value of a parameter.
    pub fn from_lookup(query: impl Fn(&str) -> Vec<String>) -> IncidentsView {
        let query = &query;
        let last = |name: &str| list(query, name).pop();
        let defaults = IncidentsView::default();
        IncidentsView {
            from: last("from").map_or(defaults.from, |text| repair_time(&text)),
            to: last("to").map_or(defaults.to, |text| repair_time(&text)),
            filters: filters_from(query),
            lanes: match last("lanes").as_deref() {
                Some("service") => Lanes::Service,
                _ => Lanes::Probe,
            },
            cursor: last("cursor"),
        }
    }

    /// The link that gives this view back.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> =
            vec![("from", self.from.clone()), ("to", self.to.clone())];
        pairs.extend(filter_pairs(&self.filters));
        if self.lanes == Lanes::Service {
            pairs.push(("lanes", "service".into()));
        }
        if let Some(cursor) = &self.cursor {
            pairs.push(("cursor", cursor.clone()));
        }
        format!("{INCIDENTS_PATH}?{}", query_string(&pairs))
    }

    /// What the server is asked.
    pub fn query(&self) -> IncidentsQuery {
        IncidentsQuery {
            filters: self.filters.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            limit: PAGE_SIZE,
            cursor: self.cursor.clone(),
        }
    }

    /// The same view over another range, from its first page.
    pub fn over(&self, from: &str) -> IncidentsView {
        IncidentsView {
            from: from.to_string(),
            to: "now".into(),
            cursor: None,
            ..self.clone()
        }
    }

    /// The same view with other lanes.
    pub fn with_lanes(&self, lanes: Lanes) -> IncidentsView {
        IncidentsView {
            lanes,
            ..self.clone()
        }
    }

    /// The same list in `environments`, from its first page.
    pub fn with_environments(&self, environments: Vec<String>) -> IncidentsView {
        let mut next = self.clone();
        next.filters.environment = environments;
        next.cursor = None;
        next
    }

    /// The same list from `cursor` (`None`: the first page).
    pub fn at(&self, cursor: Option<String>) -> IncidentsView {
        IncidentsView {
            cursor,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_round_trips_through_its_link() {
        let pairs = [
            ("from", "now-30d"),
            ("service", "ESIGN"),
            ("lanes", "service"),
        ];
        let view = IncidentsView::from_lookup(|name| {
            pairs
                .iter()
                .filter(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
                .collect()
        });
        assert_eq!(view.lanes, Lanes::Service);
        assert_eq!(view.filters.service, vec!["ESIGN"]);
        assert_eq!(
            view.href(),
            "/incidents?from=now-30d&to=now&service=ESIGN&environment=prod&lanes=service"
        );
        let day = view
            .over("now-24h")
            .with_environments(vec!["recette".into()]);
        assert_eq!(
            day.href(),
            "/incidents?from=now-24h&to=now&service=ESIGN&environment=recette&lanes=service"
        );
        assert_eq!(IncidentsView::default().query().limit, PAGE_SIZE);
    }
}
