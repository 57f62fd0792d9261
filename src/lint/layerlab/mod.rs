//! layerlab's own rules (`LL…`): about layers, cache and image size.
