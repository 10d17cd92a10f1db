//! `:help`: the language reference, taken from the README so that the shell and the docs say
//! the same thing.

const README: &str = include_str!("../../README.md");

/// Help topics and the README heading each one shows.
const SECTIONS: &[(&str, &str)] = &[
    ("sets", "### Node sets"),
    ("measures", "### Measures"),
    ("what-ifs", "### What-ifs"),
    ("uncertainty", "### Uncertainty"),
    ("language", "## The query language"),
    ("meaning", "## What the measures mean"),
    ("shell", "## The interactive shell"),
    ("model", "## The model format"),
];

pub const TOPICS: &[&str] = &[
    "sets",
    "measures",
    "what-ifs",
    "uncertainty",
    "language",
    "meaning",
    "shell",
    "model",
];

/// The README section under `heading`, up to the next heading of the same or a higher level.
fn section(heading: &str) -> Option<&'static str> {
    let start = README.find(&format!("\n{heading}\n"))? + 1;
    let level = heading.split(' ').next().unwrap_or("##").len();
    let body = &README[start..];
    let end = body[heading.len()..]
        .match_indices("\n#")
        .find(|(i, _)| {
            let rest = &body[heading.len() + i + 1..];
            let hashes = rest.chars().take_while(|&c| c == '#').count();
            hashes <= level && rest[hashes..].starts_with(' ')
        })
        .map(|(i, _)| heading.len() + i + 1)
        .unwrap_or(body.len());
    Some(body[..end].trim_end())
}

/// The text for `:help [topic]`.
pub fn help(topic: Option<&str>) -> String {
    match topic.map(str::trim).filter(|t| !t.is_empty()) {
        None => format!(
            "Statements end with `;` (or a blank line). For example:\n\
             \x20 exposure of \"Electric vehicles\" to \"China\";\n\
             \x20 chokepoints of \"Wind turbines\" limit 5;\n\
             \x20 with scenario baotou_explosion: loss of nodes where kind = end_use;\n\n\
             Tab completes keywords, names and variables; Ctrl-R searches the history; Ctrl-C stops a\n\
             running query; Ctrl-D leaves.\n\n\
             Help topics (`:help TOPIC`): {}\n\n{}",
            TOPICS.join(", "),
            section("## The interactive shell").unwrap_or("")
        ),
        Some(t) => {
            let key = t.to_lowercase();
            match SECTIONS.iter().find(|(k, _)| k.starts_with(key.as_str())) {
                Some((_, h)) => section(h).unwrap_or("(missing from the README)").to_string(),
                None => {
                    let hint = crate::suggest::did_you_mean(t, TOPICS.iter().copied())
                        .map(|s| format!(" Did you mean `{s}`?"))
                        .unwrap_or_default();
                    format!("No help on `{t}`.{hint} Topics: {}", TOPICS.join(", "))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_its_readme_section() {
        for (topic, heading) in SECTIONS {
            let s = section(heading).unwrap_or_else(|| panic!("README has no `{heading}`"));
            assert!(s.starts_with(heading));
            assert!(s.len() > heading.len() + 20, "{topic}");
        }
        // A subsection stops at the next subsection.
        let sets = section("### Node sets").unwrap();
        assert!(!sets.contains("### Measures"));
    }
}
