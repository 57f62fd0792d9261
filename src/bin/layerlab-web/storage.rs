//! The user's work survives a reload: the Dockerfile and the theme go to `localStorage`
//! (small, read synchronously at start); the build context's bytes go to IndexedDB (see
//! `idb`). Storage can be missing or full (private windows, quotas); then the page keeps
//! working and only persistence is lost.

const DOCKERFILE_KEY: &str = "layerlab.dockerfile.v1";
const THEME_KEY: &str = "layerlab.theme.v1";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_dockerfile() -> Option<String> {
    local_storage()?.get_item(DOCKERFILE_KEY).ok().flatten()
}

pub fn save_dockerfile(text: &str) {
    if let Some(storage) = local_storage() {
        // A full or disabled storage is not worth interrupting the user for.
        let _ = storage.set_item(DOCKERFILE_KEY, text);
    }
}

/// `light` or `dark` when the user chose one.
pub fn load_theme() -> Option<String> {
    local_storage()?
        .get_item(THEME_KEY)
        .ok()
        .flatten()
        .filter(|t| t == "light" || t == "dark")
}

pub fn save_theme(theme: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(THEME_KEY, theme);
    }
}
