//! The seed example loaded on a first visit: the tutorial this product grew from.

pub const DOCKERFILE: &str = include_str!("../../../gallery/seed/Dockerfile");

/// The build context shipped with the seed example: (path, contents).
pub const CONTEXT: &[(&str, &str)] = &[
    ("app.py", include_str!("../../../gallery/seed/app.py")),
    (
        "requirements.txt",
        include_str!("../../../gallery/seed/requirements.txt"),
    ),
];
