//! The journeys page's view in the URL query (`/journeys?product=CCO&from=now-7d&to=now
//! &channel=web`).

use leptos_router::params::ParamsMap;

use crate::domain::funnel::FunnelQuery;
use crate::pages::url_query::{list, query_string, repair_time};

pub const JOURNEYS_PATH: &str = "/journeys";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneysView {
    /// `None`: the first product.
    pub product: Option<String>,
    pub from: String,
    pub to: String,
    pub channels: Vec<String>,
}

impl Default for JourneysView {
    fn default() -> JourneysView {
        JourneysView {
            product: None,
            from: "now-7d".into(),
            to: "now".into(),
            channels: Vec::new(),
        }
    }
}

impl JourneysView {
    pub fn from_query(query: &ParamsMap) -> JourneysView {
        JourneysView::from_lookup(|name| query.get_all(name).unwrap_or_default())
    }

    pub fn from_lookup(query: impl Fn(&str) -> Vec<String>) -> JourneysView {
        let query = &query;
        let last = |name: &str| list(query, name).pop();
        let defaults = JourneysView::default();
        JourneysView {
            product: last("product"),
            from: last("from").map_or(defaults.from, |text| repair_time(&text)),
            to: last("to").map_or(defaults.to, |text| repair_time(&text)),
            channels: list(query, "channel"),
        }
    }

    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(product) = &self.product {
            pairs.push(("product", product.clone()));
        }
        pairs.push(("from", self.from.clone()));
        pairs.push(("to", self.to.clone()));
        pairs.extend(
            self.channels
                .iter()
                .map(|channel| ("channel", channel.clone())),
        );
        format!("{JOURNEYS_PATH}?{}", query_string(&pairs))
    }

    /// The funnel of `product` (the view's, when it names one).
    pub fn query(&self, first_product: &str) -> FunnelQuery {
        FunnelQuery {
            product: self
                .product
                .clone()
                .unwrap_or_else(|| first_product.to_string()),
            from: self.from.clone(),
            to: self.to.clone(),
            channel: self.channels.clone(),
        }
    }

    pub fn of_product(&self, product: &str) -> JourneysView {
        JourneysView {
            product: Some(product.to_string()),
            ..self.clone()
        }
    }

    pub fn over(&self, from: &str) -> JourneysView {
        JourneysView {
            from: from.to_string(),
            to: "now".into(),
            ..self.clone()
        }
    }

    /// One channel, or every channel (`None`).
    pub fn on_channel(&self, channel: Option<&str>) -> JourneysView {
        JourneysView {
            channels: channel.map(|c| vec![c.to_string()]).unwrap_or_default(),
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
            ("product", "LIVRET"),
            ("from", "now-30d"),
            ("channel", "web"),
        ];
        let view = JourneysView::from_lookup(|name| {
            pairs
                .iter()
                .filter(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
                .collect()
        });
        assert_eq!(
            view.href(),
            "/journeys?product=LIVRET&from=now-30d&to=now&channel=web"
        );
        assert_eq!(view.query("CCO").product, "LIVRET");
        assert_eq!(JourneysView::default().query("CCO").product, "CCO");
        assert_eq!(view.on_channel(None).channels, Vec::<String>::new());
    }
}
