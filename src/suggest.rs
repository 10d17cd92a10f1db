//! Did-you-mean: the closest known name to an unknown one.

/// The best candidate for `unknown` among `known`, if any is close enough.
///
/// Closeness is Jaro-Winkler similarity on lowercase text, with a bonus for a candidate that
/// contains the unknown word (a typed prefix of a long name).
pub fn did_you_mean<'a, I>(unknown: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    if unknown.len() > 200 {
        return None; // nothing that long is a misspelling
    }
    let needle = unknown.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for cand in known {
        let c = cand.to_lowercase();
        let mut score = strsim::jaro_winkler(&needle, &c);
        if needle.len() >= 3 && c.contains(&needle) {
            score = score.max(0.9);
        }
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// `did you mean "x"?` for use as a label.
pub fn hint(unknown: &str, known: Vec<&str>) -> Option<String> {
    did_you_mean(unknown, known).map(|s| format!("did you mean \"{s}\"?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_and_rejects_far_ones() {
        let known = ["baotou", "bayan-obo", "china"];
        assert_eq!(did_you_mean("baotuo", known), Some("baotou".into()));
        assert_eq!(did_you_mean("Chna", known), Some("china".into()));
        assert_eq!(did_you_mean("zzzz", known), None);
    }
}
