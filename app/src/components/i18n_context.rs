use leptos::prelude::*;

use crate::i18n::{translate, Lang};

const STORAGE_KEY: &str = "vigie.lang";

/// The current language, shared through context. French unless the user chose English
/// (the choice is remembered in the browser's local storage).
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The text of `key` in the current language (reactive).
    pub fn t(&self, key: &str) -> String {
        translate(self.lang.get(), key)
    }

    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
        store_lang(lang);
        set_document_lang(lang);
    }
}

pub fn provide_i18n() {
    let lang = stored_lang().unwrap_or_default();
    set_document_lang(lang);
    provide_context(I18n {
        lang: RwSignal::new(lang),
    });
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::default()),
    })
}

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

#[cfg(target_arch = "wasm32")]
fn stored_lang() -> Option<Lang> {
    local_storage()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|code| Lang::from_code(&code))
}

#[cfg(target_arch = "wasm32")]
fn store_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, lang.code());
    }
}

#[cfg(target_arch = "wasm32")]
fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn stored_lang() -> Option<Lang> {
    let _ = STORAGE_KEY;
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn store_lang(_lang: Lang) {}

#[cfg(not(target_arch = "wasm32"))]
fn set_document_lang(_lang: Lang) {}
