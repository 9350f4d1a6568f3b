//! Why a chart or table shows nothing, with what to do about it.

use leptos::prelude::*;

#[component]
pub fn EmptyState(
    message: String,
    /// An error (announced to screen readers) rather than a plain absence of data.
    alert: bool,
    #[prop(optional, into)] action_label: Option<String>,
    #[prop(optional)] on_action: Option<Callback<()>>,
) -> impl IntoView {
    let role = if alert { "alert" } else { "status" };
    view! {
        <div class="empty-state" class:error=alert role=role>
            <p>{message}</p>
            {on_action.zip(action_label).map(|(action, label)| view! {
                <button type="button" on:click=move |_| action.run(())>{label}</button>
            })}
        </div>
    }
}
