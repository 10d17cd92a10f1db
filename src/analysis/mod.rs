//! Measures on a model: loss propagation and what is built on it.

pub mod net;
pub mod propagate;
