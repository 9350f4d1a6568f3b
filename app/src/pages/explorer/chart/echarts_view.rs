//! Draws a chart's series with charming (ECharts) into its element, and reports zooms
//! (dataZoom, inside or slider) and brushed ranges (a drag across the chart) as a new
//! time range. ECharts is only in the browser: elsewhere drawing does nothing.

use leptos::prelude::*;

use crate::i18n::Lang;

use super::data::NamedSeries;
use super::kind::ChartKind;

/// What to draw.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub struct Picture<'a> {
    pub kind: ChartKind,
    pub series: &'a [NamedSeries],
    /// The resolved time range `[from, to)`, in epoch ms.
    pub range: (i64, i64),
    pub lang: Lang,
}

/// A drawn chart; dropping it disposes of the ECharts instance and its handlers.
pub struct DrawnChart {
    #[cfg(target_arch = "wasm32")]
    _inner: wasm::Drawn,
}

/// What a drawn chart tells back: a zoom calls `on_zoom((from_ms, to_ms))` once the user
/// stops moving (after a short pause), a brushed range as soon as the drag ends; a click
/// on a point or bar calls `on_pick((series index, time_ms))`.
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub struct ChartEvents {
    pub on_zoom: Callback<(i64, i64)>,
    pub on_pick: Callback<(usize, i64)>,
}

/// Draws `picture` into the element `element_id`.
pub fn draw(element_id: &str, picture: Picture<'_>, events: ChartEvents) -> Option<DrawnChart> {
    #[cfg(target_arch = "wasm32")]
    {
        wasm::draw(element_id, picture, events).map(|inner| DrawnChart { _inner: inner })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (element_id, picture, events);
        None
    }
}

/// Text safe to put in the tooltip's HTML.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;

    use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend, LegendType};
    use charming::element::{AxisType, Tooltip, Trigger};
    use charming::series::{Bar, Line};
    use charming::{Chart, WasmRenderer};
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::js_sys::{Array, Object, Reflect};

    use super::{escape_html, ChartEvents, Picture};
    use crate::i18n::{format_datetime, translate, Lang};
    use crate::pages::explorer::chart::data::{aligned_for_stacking, partial_buckets, zero_filled};
    use crate::pages::explorer::chart::kind::Unit;
    use crate::pages::explorer::paris_time::axis_time_label;

    const ZOOM_PAUSE: Duration = Duration::from_millis(600);

    #[wasm_bindgen]
    extern "C" {
        /// An ECharts instance, for what charming does not expose.
        type ChartHandle;

        #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
        fn dispose(element: &web_sys::Element);

        #[wasm_bindgen(method, js_name = on)]
        fn on(this: &ChartHandle, event: &str, handler: &JsValue);

        #[wasm_bindgen(method, js_name = getOption)]
        fn get_option(this: &ChartHandle) -> JsValue;

        #[wasm_bindgen(method, js_name = setOption)]
        fn set_option(this: &ChartHandle, option: &JsValue);

        #[wasm_bindgen(method, js_name = resize)]
        fn resize(this: &ChartHandle);

        #[wasm_bindgen(method, js_name = dispatchAction)]
        fn dispatch_action(this: &ChartHandle, action: &JsValue);
    }

    pub struct Drawn {
        element: web_sys::Element,
        _tooltip: Closure<dyn Fn(JsValue) -> String>,
        _axis_label: Closure<dyn Fn(f64) -> String>,
        _value_label: Closure<dyn Fn(f64) -> String>,
        _on_zoom: Closure<dyn Fn(JsValue)>,
        _on_brush: Closure<dyn Fn(JsValue)>,
        _on_click: Closure<dyn Fn(JsValue)>,
        on_resize: Closure<dyn Fn()>,
    }

    impl Drop for Drawn {
        fn drop(&mut self) {
            if let Some(window) = web_sys::window() {
                let _ = window.remove_event_listener_with_callback(
                    "resize",
                    self.on_resize.as_ref().unchecked_ref(),
                );
            }
            dispose(&self.element);
        }
    }

    // Over 80 lines: one ECharts option (axes, series, tooltip, legend, zoom, marks of
    // partial buckets) read top to bottom; in parts, each would take most of the others.
    pub fn draw(id: &str, picture: Picture<'_>, events: ChartEvents) -> Option<Drawn> {
        let ChartEvents { on_zoom, on_pick } = events;
        let element = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id(id))?;
        dispose(&element);
        let chart = build(&picture);
        let rendered = match WasmRenderer::new_opt(None, None).render(id, &chart) {
            Ok(rendered) => rendered,
            Err(error) => {
                leptos::logging::warn!("chart {id}: {error:?}");
                return None;
            }
        };
        let handle: ChartHandle = JsValue::from(rendered).unchecked_into();
        let (lang, unit) = (picture.lang, picture.kind.unit());
        let partial = partial_spans(&picture);
        let partial_in_tooltip = partial.clone();
        let range_start = picture.range.0;
        let tooltip = Closure::<dyn Fn(JsValue) -> String>::new(move |params: JsValue| {
            let items = Array::from(&params);
            let mut html = String::new();
            for item in items.iter() {
                let value = Array::from(&get(&item, "value"));
                let time = value.get(0).as_f64().unwrap_or_default() as i64;
                if html.is_empty() {
                    html.push_str(&format!("<b>{}</b>", format_datetime(lang, time)));
                    // Only where the chart shades (counts); a point before the range
                    // is the first bucket's, which the range cuts.
                    let cut = !partial_in_tooltip.is_empty()
                        && (time < range_start
                            || partial_in_tooltip
                                .iter()
                                .any(|(from, to)| *from <= time && time < *to));
                    if cut {
                        html.push_str(&format!(
                            " <i>({})</i>",
                            translate(lang, "explorer.chart.partial_bucket")
                        ));
                    }
                }
                let name = get(&item, "seriesName").as_string().unwrap_or_default();
                let marker = get(&item, "marker").as_string().unwrap_or_default();
                let number = value.get(1).as_f64().unwrap_or_default();
                html.push_str(&format!(
                    "<br/>{marker}{}&nbsp;: <b>{}</b>",
                    escape_html(&name),
                    unit.format(lang, number)
                ));
            }
            html
        });
        let span = picture.range.1 - picture.range.0;
        let axis_label = Closure::<dyn Fn(f64) -> String>::new(move |value: f64| {
            axis_time_label(value as i64, span)
        });
        let value_label =
            Closure::<dyn Fn(f64) -> String>::new(move |value: f64| unit.format(lang, value));
        let functions = Object::new();
        let tooltip_option = Object::new();
        set(&tooltip_option, "formatter", tooltip.as_ref());
        set(&functions, "tooltip", &tooltip_option);
        let label = Object::new();
        set(&label, "formatter", axis_label.as_ref());
        // Two-line labels (day, then time) apart instead of overlapping.
        set(&label, "lineHeight", &JsValue::from_f64(14.0));
        let axis = Object::new();
        set(&axis, "axisLabel", &label);
        set(&functions, "xAxis", &Array::of1(&axis));
        let value_label_option = Object::new();
        set(&value_label_option, "formatter", value_label.as_ref());
        let value_axis = Object::new();
        set(&value_axis, "axisLabel", &value_label_option);
        set(&functions, "yAxis", &Array::of1(&value_axis));
        // Parts of a streamed answer redraw the chart: no animation to replay each time.
        set(&functions, "animation", &JsValue::FALSE);
        handle.set_option(&functions);
        handle.set_option(&brush_option(lang));
        if !partial.is_empty() {
            handle.set_option(&partial_option(&partial, picture.range, lang));
        }
        handle.dispatch_action(&brush_cursor());

        let range = picture.range;
        let pending = Rc::new(Cell::new(None::<leptos::prelude::TimeoutHandle>));
        let zoom_handle: ChartHandle = JsValue::from(&handle).unchecked_into();
        let on_zoom_event = Closure::<dyn Fn(JsValue)>::new(move |_event: JsValue| {
            let Some((from, to)) = zoom_window(&zoom_handle) else {
                return;
            };
            if from <= range.0 && to >= range.1 {
                return;
            }
            if let Some(previous) = pending.take() {
                previous.clear();
            }
            let scheduled = set_timeout_with_handle(move || on_zoom.run((from, to)), ZOOM_PAUSE);
            pending.set(scheduled.ok());
        });
        handle.on("datazoom", on_zoom_event.as_ref());
        let on_brush = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            if let Some((from, to)) = brushed_range(&event, range) {
                on_zoom.run((from, to));
            }
        });
        handle.on("brushEnd", on_brush.as_ref());
        let on_click = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            let series = get(&event, "seriesIndex").as_f64();
            let time = Array::from(&get(&event, "value")).get(0).as_f64();
            if let (Some(series), Some(time)) = (series, time) {
                on_pick.run((series as usize, time as i64));
            }
        });
        handle.on("click", on_click.as_ref());
        let on_resize = Closure::<dyn Fn()>::new(move || handle.resize());
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
        }
        Some(Drawn {
            element,
            _tooltip: tooltip,
            _axis_label: axis_label,
            _value_label: value_label,
            _on_zoom: on_zoom_event,
            _on_brush: on_brush,
            _on_click: on_click,
            on_resize,
        })
    }

    /// The value axis from 0; counts get whole-number steps (an axis of 0 to 2 failures
    /// read "0, 1, 1, 2, 2": steps of 0.5 shown rounded).
    fn value_axis(unit: Unit) -> Axis {
        let axis = Axis::new().type_(AxisType::Value).min(0);
        if unit == Unit::Count {
            axis.min_interval(1)
        } else {
            axis
        }
    }

    fn build(picture: &Picture<'_>) -> Chart {
        let (from, to) = picture.range;
        let mut chart = Chart::new()
            .legend(Legend::new().type_(LegendType::Scroll).top(0))
            .grid(Grid::new().left(72).right(24).top(40).bottom(72))
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .x_axis(
                Axis::new()
                    .type_(AxisType::Time)
                    .min(from as f64)
                    .max(to as f64),
            )
            .y_axis(value_axis(picture.kind.unit()))
            .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
            .data_zoom(DataZoom::new().type_(DataZoomType::Slider).bottom(12));
        let stacked = picture.kind.is_stacked_bars();
        let counts_as_lines = picture.kind.unit() == Unit::Count && !stacked;
        let drawn: Vec<Vec<(i64, f64)>> = if stacked {
            let points: Vec<&[(i64, f64)]> = picture
                .series
                .iter()
                .map(|series| series.points.as_slice())
                .collect();
            aligned_for_stacking(&points)
        } else {
            // A count line goes down to zero over empty buckets instead of across them.
            picture
                .series
                .iter()
                .map(|series| match series.bucket {
                    Some(bucket) if counts_as_lines => {
                        zero_filled(&series.points, picture.range, bucket)
                    }
                    _ => series.points.clone(),
                })
                .collect()
        };
        for (series, filled) in picture.series.iter().zip(drawn) {
            let points: Vec<Vec<f64>> = filled
                .iter()
                .map(|(time, value)| vec![*time as f64, *value])
                .collect();
            chart = if stacked {
                chart.series(
                    Bar::new()
                        .name(series.name.as_str())
                        .stack("total")
                        .data(points),
                )
            } else {
                chart.series(
                    Line::new()
                        .name(series.name.as_str())
                        .show_symbol(false)
                        .data(points),
                )
            };
        }
        chart
    }

    /// The partial buckets a count chart shades (see [`partial_buckets`]).
    fn partial_spans(picture: &Picture<'_>) -> Vec<(i64, i64)> {
        let bucket = picture.series.iter().find_map(|series| series.bucket);
        match bucket {
            Some(bucket) if picture.kind.unit() == Unit::Count => {
                partial_buckets(picture.range, bucket)
            }
            _ => Vec::new(),
        }
    }

    /// Shades `spans` behind the first series, those wide enough to hold it labelled
    /// "incomplete period" in `lang` (the tooltip says it of every one). Set through
    /// ECharts' own option: charming's mark areas take axis values as text, and bars
    /// have none.
    fn partial_option(spans: &[(i64, i64)], range: (i64, i64), lang: Lang) -> Object {
        let label_text = translate(lang, "explorer.chart.partial_bucket");
        let data = Array::new();
        for (from, to) in spans {
            let start = Object::new();
            set(&start, "xAxis", &JsValue::from_f64(*from as f64));
            if (to - from) * 8 >= range.1 - range.0 {
                set(&start, "name", &label_text.as_str().into());
            }
            let end = Object::new();
            set(&end, "xAxis", &JsValue::from_f64(*to as f64));
            data.push(&Array::of2(&start, &end));
        }
        let style = Object::new();
        set(&style, "color", &"rgba(110, 120, 135, 0.14)".into());
        let label = Object::new();
        set(&label, "position", &"insideTop".into());
        set(&label, "color", &"#5a6270".into());
        set(&label, "fontSize", &JsValue::from(11));
        let mark_area = Object::new();
        set(&mark_area, "silent", &JsValue::TRUE);
        set(&mark_area, "itemStyle", &style);
        set(&mark_area, "label", &label);
        set(&mark_area, "data", &data);
        let first_series = Object::new();
        set(&first_series, "markArea", &mark_area);
        let option = Object::new();
        set(&option, "series", &Array::of1(&first_series));
        option
    }

    /// A brush that selects a time span (`lineX`) on the time axis, one at a time, with
    /// its toolbox buttons (select, clear) titled in `lang`.
    fn brush_option(lang: Lang) -> Object {
        let titles = Object::new();
        set(
            &titles,
            "lineX",
            &translate(lang, "explorer.chart.brush").into(),
        );
        set(
            &titles,
            "clear",
            &translate(lang, "explorer.chart.brush_clear").into(),
        );
        let types = Array::of2(&"lineX".into(), &"clear".into());
        let feature = Object::new();
        set(&feature, "type", &types);
        set(&feature, "title", &titles);
        let features = Object::new();
        set(&features, "brush", &feature);
        let toolbox = Object::new();
        set(&toolbox, "feature", &features);
        set(&toolbox, "right", &JsValue::from(8));
        set(&toolbox, "top", &JsValue::from(0));
        let brush = Object::new();
        set(&brush, "xAxisIndex", &JsValue::from(0));
        set(&brush, "brushMode", &"single".into());
        set(&brush, "transformable", &JsValue::FALSE);
        let option = Object::new();
        set(&option, "toolbox", &toolbox);
        set(&option, "brush", &brush);
        option
    }

    /// Makes a drag across the chart brush a time span (the wheel still zooms).
    fn brush_cursor() -> JsValue {
        let brush_option = Object::new();
        set(&brush_option, "brushType", &"lineX".into());
        set(&brush_option, "brushMode", &"single".into());
        let action = Object::new();
        set(&action, "type", &"takeGlobalCursor".into());
        set(&action, "key", &"brush".into());
        set(&action, "brushOption", &brush_option);
        action.into()
    }

    /// The span of the first brushed area, within the drawn range, in epoch ms.
    fn brushed_range(event: &JsValue, range: (i64, i64)) -> Option<(i64, i64)> {
        let areas = Array::from(&get(event, "areas"));
        let span = Array::from(&get(&areas.get(0), "coordRange"));
        let (a, b) = (span.get(0).as_f64()?, span.get(1).as_f64()?);
        let from = (a.min(b).round() as i64).max(range.0);
        let to = (a.max(b).round() as i64).min(range.1);
        (to > from).then_some((from, to))
    }

    /// The time window the first dataZoom shows, in epoch ms.
    fn zoom_window(handle: &ChartHandle) -> Option<(i64, i64)> {
        let zooms = Array::from(&get(&handle.get_option(), "dataZoom"));
        let first = zooms.get(0);
        let start = get(&first, "startValue").as_f64()?;
        let end = get(&first, "endValue").as_f64()?;
        (end > start).then_some((start.round() as i64, end.round() as i64))
    }

    fn get(target: &JsValue, key: &str) -> JsValue {
        Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn set(target: &Object, key: &str, value: &JsValue) {
        let _ = Reflect::set(target, &JsValue::from_str(key), value);
    }
}
