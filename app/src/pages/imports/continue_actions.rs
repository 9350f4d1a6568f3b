use leptos::prelude::*;

use crate::api::imports::{restart_import, resume_import};
use crate::components::i18n_context::use_i18n;

/// What the page tells the user after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub failed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Resume,
    Restart,
}

impl Action {
    fn key(self) -> &'static str {
        match self {
            Action::Resume => "imports.resume",
            Action::Restart => "imports.restart",
        }
    }

    fn question_key(self) -> &'static str {
        match self {
            Action::Resume => "imports.confirm.resume",
            Action::Restart => "imports.confirm.restart",
        }
    }

    fn done_key(self) -> &'static str {
        match self {
            Action::Resume => "imports.resumed",
            Action::Restart => "imports.restarted",
        }
    }
}

/// Resume and restart buttons (admins, failed or interrupted imports), each asking for a
/// confirmation first; the server checks the role and the import's state again.
#[component]
pub fn ContinueActions(import_id: String, on_action: Callback<Notice>) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(None::<Action>);
    let busy = RwSignal::new(false);
    let import_id = StoredValue::new(import_id);
    let confirm = move |_| {
        let Some(action) = asking.get_untracked() else {
            return;
        };
        let import_id = import_id.get_value();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = match action {
                Action::Resume => resume_import(import_id).await,
                Action::Restart => restart_import(import_id).await,
            };
            busy.set(false);
            asking.set(None);
            on_action.run(match outcome {
                Ok(()) => Notice {
                    text: i18n.t(action.done_key()),
                    failed: false,
                },
                Err(error) => Notice {
                    text: i18n.t(error.message_key()),
                    failed: true,
                },
            });
        });
    };
    let ask = move |action: Action| {
        view! {
            <button type="button" on:click=move |_| asking.set(Some(action))
                disabled=move || busy.get()>
                {move || i18n.t(action.key())}
            </button>
        }
    };
    view! {
        <div class="import-actions">
            {ask(Action::Resume)}
            {ask(Action::Restart)}
        </div>
        {move || asking.get().map(|action| view! {
            <div class="confirm" role="alertdialog" aria-labelledby="import-confirm">
                <p id="import-confirm">
                    {i18n.t(action.question_key()).replace("{id}", &import_id.get_value())}
                </p>
                <button type="button" class="primary" on:click=confirm disabled=move || busy.get()>
                    {i18n.t("imports.confirm")}
                </button>
                <button type="button" on:click=move |_| asking.set(None)>
                    {i18n.t("imports.cancel")}
                </button>
            </div>
        })}
    }
}
