//! Catalogs of real data: base images and Debian packages.
//!
//! - [`reference`]: Docker image references (`ubuntu:22.04`, `…@sha256:…`), Docker's grammar.
//! - [`base_images`]: manifests, layers, config and history of official base images.
//! - [`packages`]: a Debian release's package index and `apt-get install` resolution.
//! - [`base_packages`]: an estimate of the packages a base image already has.
//! - [`distro_data`]: which package data stands for which base image's distro.

pub mod base_images;
pub mod base_packages;
pub mod distro_data;
pub mod packages;
pub mod reference;
