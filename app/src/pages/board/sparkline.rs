use leptos::prelude::*;

use crate::domain::board::RecentRun;

/// A small chart of the probe's recent run durations (failed runs in red), drawn with
/// charming (ECharts) into its own element once it is in the page.
#[component]
pub fn Sparkline(probe_code: String, recent: Vec<RecentRun>, label: String) -> impl IntoView {
    let element_id = format!("spark-{probe_code}");
    let node = NodeRef::<leptos::html::Div>::new();
    let id_for_effect = element_id.clone();
    Effect::new(move |_| {
        if node.get().is_some() {
            draw(&id_for_effect, &recent);
        }
    });
    view! { <div class="sparkline" id=element_id node_ref=node role="img" aria-label=label></div> }
}

#[cfg(target_arch = "wasm32")]
fn draw(element_id: &str, recent: &[RecentRun]) {
    use charming::component::{Axis, Grid};
    use charming::element::{AxisType, ItemStyle, LineStyle, Symbol, Tooltip, Trigger};
    use charming::series::{Line, Scatter};
    use charming::{Chart, WasmRenderer};

    let durations: Vec<Vec<f64>> = recent
        .iter()
        .map(|run| vec![run.started_at_ms as f64, run.duration_ms as f64 / 1000.0])
        .collect();
    let failures: Vec<Vec<f64>> = recent
        .iter()
        .filter(|run| run.failed)
        .map(|run| vec![run.started_at_ms as f64, run.duration_ms as f64 / 1000.0])
        .collect();
    let chart = Chart::new()
        .grid(Grid::new().left(2).right(2).top(4).bottom(4))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(Axis::new().type_(AxisType::Time).show(false))
        .y_axis(Axis::new().type_(AxisType::Value).show(false).min(0))
        .series(
            Line::new()
                .data(durations)
                .symbol(Symbol::None)
                .line_style(LineStyle::new().width(1.5).color("#2563eb")),
        )
        .series(
            Scatter::new()
                .data(failures)
                .symbol_size(5)
                .item_style(ItemStyle::new().color("#dc2626")),
        );
    if let Err(error) = WasmRenderer::new(220, 48).render(element_id, &chart) {
        leptos::logging::warn!("sparkline {element_id}: {error:?}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn draw(_element_id: &str, _recent: &[RecentRun]) {}
