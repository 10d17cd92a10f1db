//! The built-in rare-earth model, compiled into the binary. A test checks that this list and
//! the files in `models/rare_earths/` agree.

pub const FILES: &[(&str, &str)] = &[
    (
        "end_uses.toml",
        include_str!("../../models/rare_earths/end_uses.toml"),
    ),
    (
        "magnets.toml",
        include_str!("../../models/rare_earths/magnets.toml"),
    ),
    (
        "materials.toml",
        include_str!("../../models/rare_earths/materials.toml"),
    ),
    (
        "mining.toml",
        include_str!("../../models/rare_earths/mining.toml"),
    ),
    (
        "model.toml",
        include_str!("../../models/rare_earths/model.toml"),
    ),
    (
        "processing.toml",
        include_str!("../../models/rare_earths/processing.toml"),
    ),
    (
        "regions.toml",
        include_str!("../../models/rare_earths/regions.toml"),
    ),
    (
        "sources.toml",
        include_str!("../../models/rare_earths/sources.toml"),
    ),
];
