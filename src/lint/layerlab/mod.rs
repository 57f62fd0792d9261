//! layerlab's own rules (`LL…`): about layers, cache and image size, which the layer model
//! makes visible.

pub mod ll001;
