//! The built-in rare-earth model, compiled into the binary. A test checks that this list and
//! the files in `models/rare_earths/` agree.

macro_rules! model_files {
    ($($f:literal),* $(,)?) => {
        &[$(($f, include_str!(concat!("../../models/rare_earths/", $f)))),*]
    };
}

pub const FILES: &[(&str, &str)] = model_files![
    "end_uses.toml",
    "magnets.toml",
    "materials.toml",
    "mining.toml",
    "model.toml",
    "processing.toml",
    "regions.toml",
    "scenarios.toml",
    "sources.toml",
];
