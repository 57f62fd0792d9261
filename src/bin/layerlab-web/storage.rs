//! The user's work survives a reload: the workspace is saved to `localStorage` on every change.
//! Storage can be missing or full (private windows, quotas); then the page keeps working and
//! only persistence is lost.

const DOCKERFILE_KEY: &str = "layerlab.dockerfile.v1";

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
