//! Concentration: for each processing stage upstream of a target, how the stage's supply to the
//! target splits between countries (or other groups), weighted by reach (see `reach`), with
//! the Herfindahl-Hirschman index.

use std::collections::BTreeMap;

/// A stage above this share held by one group is flagged as concentrated.
pub const DOMINANT: f64 = 0.65;

#[derive(Debug, Clone, PartialEq)]
pub struct StageConcentration {
    pub stage: String,
    /// Groups and their shares, largest first.
    pub shares: Vec<(String, f64)>,
    /// Herfindahl-Hirschman index, 0 to 10,000.
    pub hhi: f64,
}

impl StageConcentration {
    pub fn dominant(&self) -> bool {
        self.shares.first().is_some_and(|(_, s)| *s > DOMINANT)
    }
}

/// Splits each stage's weight between groups. `items` are (stage, group, weight).
pub fn concentration(
    items: impl IntoIterator<Item = (String, String, f64)>,
) -> Vec<StageConcentration> {
    let mut by_stage: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for (stage, group, w) in items {
        if w > 0.0 {
            *by_stage.entry(stage).or_default().entry(group).or_default() += w;
        }
    }
    by_stage
        .into_iter()
        .map(|(stage, groups)| {
            let total: f64 = groups.values().sum();
            let mut shares: Vec<(String, f64)> =
                groups.into_iter().map(|(g, w)| (g, w / total)).collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let hhi = shares.iter().map(|(_, s)| (s * 100.0).powi(2)).sum();
            StageConcentration { stage, shares, hhi }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhi_of_a_monopoly_and_of_an_even_split() {
        let c = concentration(vec![("s".into(), "A".into(), 3.0)]);
        assert_eq!(c[0].hhi, 10_000.0);
        assert!(c[0].dominant());
        let c = concentration(vec![
            ("s".into(), "A".into(), 1.0),
            ("s".into(), "B".into(), 1.0),
            ("s".into(), "C".into(), 1.0),
            ("s".into(), "D".into(), 1.0),
        ]);
        assert!((c[0].hhi - 2500.0).abs() < 1e-9);
        assert!(!c[0].dominant());
    }
}
