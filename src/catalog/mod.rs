//! Catalogs of real data: base images and Debian packages.
