//! Stage vocabulary shared by the measures and the diagrams.

/// Processing stages in their usual order along a chain.
pub const STAGE_ORDER: &[&str] = &[
    "mining",
    "beneficiation",
    "separation",
    "refining",
    "metal",
    "alloy",
    "magnet",
    "component",
    "recycling",
    "end use",
];
