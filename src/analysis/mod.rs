//! Measures on a model, one file per measure, all on the compact `Net` and the one primitive,
//! loss propagation.

pub mod chokepoints;
pub mod concentration;
pub mod cone;
pub mod exposure;
pub mod origin;
pub mod paths;
pub mod propagate;
pub mod reach;
pub mod scenario;
pub mod shortfall;
pub mod stages;
pub mod uncertainty;
