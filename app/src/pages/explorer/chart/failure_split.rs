//! The failures chart's own choice of what its stacked bars are split by: error code,
//! error category, service or step, or the explorer's group-by when one is chosen.

use leptos::prelude::*;

use crate::components::i18n_context::use_i18n;
use crate::domain::indicators::GroupBy;

use super::kind::ChartKind;
use crate::pages::explorer::url_state::ViewState;

/// The splits offered on the failures chart, besides the chosen group-by.
pub const FAILURE_SPLITS: [GroupBy; 4] = [
    GroupBy::ErrorCode,
    GroupBy::ErrorCategory,
    GroupBy::Service,
    GroupBy::Step,
];

/// The choices of the split list: the fixed ones, then the chosen group-by and the
/// split in use (from a shared link, or kept after the group-by changed) when they are
/// others, so that the list always shows what the chart is split by.
pub fn split_choices(state: &ViewState) -> Vec<GroupBy> {
    let mut choices = FAILURE_SPLITS.to_vec();
    for group in [state.group_by, state.failures_by].into_iter().flatten() {
        if !choices.contains(&group) {
            choices.push(group);
        }
    }
    choices
}

#[component]
pub fn FailureSplit(state: Memo<ViewState>, on_change: Callback<ViewState>) -> impl IntoView {
    let i18n = use_i18n();
    let current = move || state.with(|state| ChartKind::Failures.group_by(state));
    let choose = move |event: leptos::ev::Event| {
        let mut next = state.get_untracked();
        next.failures_by = GroupBy::parse(&event_target_value(&event));
        on_change.run(next);
    };
    view! {
        <label class="chart-split">
            {move || i18n.t("explorer.failures.split")}
            <select on:change=choose>
                {move || state.with(split_choices).into_iter().map(|group| view! {
                    <option value=group.as_str() selected=move || current() == Some(group)>
                        {move || i18n.t(&format!("explorer.filter.{}", group.as_str()))}
                    </option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_group_by_joins_the_splits_once() {
        let mut state = ViewState::default();
        assert_eq!(split_choices(&state), FAILURE_SPLITS.to_vec());
        state.group_by = Some(GroupBy::Service);
        assert_eq!(split_choices(&state), FAILURE_SPLITS.to_vec());
        state.group_by = Some(GroupBy::Product);
        assert_eq!(split_choices(&state).last(), Some(&GroupBy::Product));
        assert_eq!(split_choices(&state).len(), FAILURE_SPLITS.len() + 1);
        // A split chosen under another group-by stays listed.
        state.failures_by = Some(GroupBy::Product);
        state.group_by = Some(GroupBy::Channel);
        let choices = split_choices(&state);
        assert!(choices.contains(&GroupBy::Product) && choices.contains(&GroupBy::Channel));
        assert_eq!(choices.len(), FAILURE_SPLITS.len() + 2);
    }
}
