//! `:help`: the language reference, taken from the README so that the shell and the docs say
//! the same thing, rendered for a terminal (`render`: no Markdown left: headings underlined,
//! code spans and emphasis unmarked, tables aligned or, when too wide, one entry a paragraph),
//! and paged when long (`page`).

const README: &str = include_str!("../../README.md");

/// Help topics and the README heading each one shows.
const SECTIONS: &[(&str, &str)] = &[
    ("sets", "### Node sets"),
    ("measures", "### Measures"),
    ("what-ifs", "### What-ifs"),
    ("uncertainty", "### Uncertainty"),
    ("materials", "### Materials"),
    ("language", "## The query language"),
    ("meaning", "## What the measures mean"),
    ("shell", "## The interactive shell"),
    ("model", "## The model format"),
    ("diagrams", "## Diagrams"),
    ("graph tools", "## Graph tools: GraphML and Neo4j"),
];

pub const TOPICS: &[&str] = &[
    "sets",
    "measures",
    "what-ifs",
    "uncertainty",
    "materials",
    "language",
    "meaning",
    "shell",
    "model",
    "diagrams",
    "graph tools",
];

/// The README section under `heading`, up to the next heading of the same or a higher level
/// (a line of a code block that starts with `#`, a TOML or shell comment, is not a heading).
fn section(heading: &str) -> Option<&'static str> {
    let start = README.find(&format!("\n{heading}\n"))? + 1;
    let level = heading.split(' ').next().unwrap_or("##").len();
    let body = &README[start..];
    let mut in_code = false;
    let mut at = heading.len() + 1;
    for line in body[at..].split_inclusive('\n') {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !in_code && hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            return Some(body[..at].trim_end());
        }
        at += line.len();
    }
    Some(body.trim_end())
}

/// The text for `:help [topic]`, rendered for a terminal `width` columns wide.
pub fn help(topic: Option<&str>, width: usize) -> String {
    render(&help_markdown(topic), width)
}

/// The text for `:help [topic]` as Markdown: without a topic, a short introduction, every
/// meta-command (from `super::META`, so that none is left out) and the shell's README section.
fn help_markdown(topic: Option<&str>) -> String {
    match topic.map(str::trim).filter(|t| !t.is_empty()) {
        None => format!(
            "Statements end with `;` (or a blank line). For example:\n\n\
             ```text\n\
             exposure of \"Electric vehicles\" to \"China\";\n\
             chokepoints of \"Wind turbines\" limit 5;\n\
             with scenario baotou_explosion: loss of nodes where kind = end_use;\n\
             ```\n\n\
             Tab completes keywords, names and variables; Ctrl-R searches the history; Ctrl-C\n\
             stops a running query; Ctrl-D leaves.\n\n\
             Help topics (`:help TOPIC`): {}\n\n{}",
            TOPICS.join(", "),
            section("## The interactive shell").unwrap_or("")
        ),
        Some(t) => {
            let key = t.to_lowercase();
            match SECTIONS.iter().find(|(k, _)| k.starts_with(key.as_str())) {
                Some((_, h)) => section(h)
                    .unwrap_or("(missing from the README)")
                    .to_string(),
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

/// Markdown rendered for a terminal `width` columns wide: headings as their text underlined
/// (`=` for the top two levels, `-` below), code spans, emphasis and link targets unmarked,
/// fenced code indented by four spaces without its fences, tables aligned when they fit and
/// otherwise one entry a paragraph (the first cell, then the others indented and wrapped).
pub fn render(md: &str, width: usize) -> String {
    let width = width.max(40);
    let mut out = String::new();
    let mut lines = md.lines().peekable();
    let mut fenced = false;
    // The paragraph or list item being read, and the indent of its first line.
    let mut para: Option<(String, String)> = None;
    let flush = |para: &mut Option<(String, String)>, out: &mut String| {
        if let Some((first, text)) = para.take() {
            let hang = " ".repeat(first.chars().count());
            let body = wrap(&inline(&text), width, &hang);
            out.push_str(&first);
            out.push_str(body.strip_prefix(hang.as_str()).unwrap_or(&body));
        }
    };
    while let Some(line) = lines.next() {
        let plain = !fenced
            && !line.trim().is_empty()
            && !line.trim_start().starts_with("```")
            && !line.trim_start().starts_with('|')
            && heading(line).is_none();
        if plain {
            let t = line.trim_start();
            let item = ["- ", "* "].iter().any(|m| t.starts_with(m));
            match &mut para {
                Some((_, text)) if !item => {
                    text.push(' ');
                    text.push_str(t);
                }
                _ => {
                    flush(&mut para, &mut out);
                    let indent = line.len() - t.len();
                    let (mark, rest) = if item { t.split_at(2) } else { ("", t) };
                    para = Some((format!("{}{mark}", " ".repeat(indent)), rest.to_string()));
                }
            }
            continue;
        }
        flush(&mut para, &mut out);
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            out.push_str(&format!("    {line}\n"));
            continue;
        }
        if let Some((level, title)) = heading(line) {
            let title = inline(title);
            let rule = if level <= 2 { '=' } else { '-' };
            let n = title.chars().count();
            out.push_str(&format!("{title}\n{}\n", rule.to_string().repeat(n)));
            continue;
        }
        if line.trim_start().starts_with('|') {
            let mut rows = vec![cells(line)];
            while let Some(next) = lines.peek().filter(|l| l.trim_start().starts_with('|')) {
                let row = cells(next);
                lines.next();
                if !row
                    .iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| "-: ".contains(ch)))
                {
                    rows.push(row);
                }
            }
            out.push_str(&table(&rows, width));
            continue;
        }
        out.push('\n'); // a blank line
    }
    flush(&mut para, &mut out);
    out
}

/// A Markdown heading: its level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    (hashes > 0 && line[hashes..].starts_with(' ')).then(|| (hashes, line[hashes + 1..].trim()))
}

/// The cells of a table row, trimmed, `\|` read as `|`, inline markup removed.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                if let Some(s) = out.last_mut() {
                    s.push('|');
                }
                chars.next();
            }
            '|' => out.push(String::new()),
            c => {
                if let Some(s) = out.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    out.iter().map(|c| inline(c.trim())).collect()
}

/// A table: columns aligned when the widest row fits `width`, else each row as a paragraph.
fn table(rows: &[Vec<String>], width: usize) -> String {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncols)
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let total: usize = 2 + widths.iter().sum::<usize>() + 2 * ncols.saturating_sub(1);
    let mut out = String::new();
    if total <= width {
        for (k, r) in rows.iter().enumerate() {
            let mut line = String::from("  ");
            for (i, w) in widths.iter().enumerate() {
                let c = r.get(i).map_or("", String::as_str);
                line.push_str(c);
                if i + 1 < ncols {
                    line.push_str(&" ".repeat(w - c.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if k == 0 {
                let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
                out.push_str(&format!("  {}\n", rule.join("  ")));
            }
        }
        return out;
    }
    // Too wide: the header row is left out (each entry says what it is), each row a paragraph.
    for r in rows.iter().skip(1) {
        let mut cs = r.iter().filter(|c| !c.is_empty());
        if let Some(first) = cs.next() {
            out.push_str(&format!("  {first}\n"));
        }
        for c in cs {
            out.push_str(&wrap(c, width, "      "));
        }
    }
    out
}

/// `text` wrapped at `width`, each line behind `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.len()).max(20);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            out.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

/// Inline Markdown unmarked: code spans keep their text without the backticks (punctuation
/// alone in single quotes), `**bold**` and
/// `*em*` their text, `[text](target)` its text (an in-page target) or `text (target)`.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let ticks = rest.chars().take_while(|&c| c == '`').count();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let span = rest[ticks..ticks + end].trim();
                // Punctuation alone (`;`, `~`) would be lost in the sentence: quoted.
                if span.chars().any(char::is_alphanumeric) {
                    out.push_str(span);
                } else {
                    out.push_str(&format!("'{span}'"));
                }
                rest = &rest[2 * ticks + end..];
                continue;
            }
        }
        if c == '*' {
            let stars = rest.chars().take_while(|&c| c == '*').count().min(2);
            let mark = &rest[..stars];
            if let Some(end) = rest[stars..].find(mark).filter(|&e| e > 0) {
                let body = &rest[stars..stars + end];
                if !body.starts_with(' ') && !body.contains('`') {
                    out.push_str(body);
                    rest = &rest[2 * stars + end..];
                    continue;
                }
            }
        }
        if c == '[' {
            if let Some(close) = rest.find("](") {
                if let Some(end) = rest[close..].find(')') {
                    let text = &rest[1..close];
                    let target = &rest[close + 2..close + end];
                    if !text.contains(']') {
                        out.push_str(&inline(text));
                        if !target.starts_with('#') {
                            out.push_str(&format!(" ({target})"));
                        }
                        rest = &rest[close + end + 1..];
                        continue;
                    }
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Shows `text` on the terminal, a page at a time when it is longer than the screen: through
/// `$PAGER` when set (a command run by `sh -c`), else a built-in pager (Enter for the next
/// page, `q` and Enter to stop). Only when both standard input and output are terminals: piped
/// input or output gets the text whole.
pub fn page(text: &str) -> std::io::Result<()> {
    use std::io::{IsTerminal, Write};
    let rows = crossterm::terminal::size()
        .ok()
        .map(|(_, h)| usize::from(h))
        .filter(|&h| h >= 5);
    let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let long = rows.filter(|&h| terminal && text.lines().count() >= h);
    let Some(rows) = long else {
        return std::io::stdout().write_all(text.as_bytes());
    };
    if let Some(pager) = std::env::var_os("PAGER").filter(|p| !p.is_empty()) {
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg(&pager)
            .stdin(std::process::Stdio::piped())
            .spawn();
        if let Ok(mut child) = child {
            if let Some(mut input) = child.stdin.take() {
                // The pager may quit before reading everything (`q`): not an error.
                let _written = input.write_all(text.as_bytes());
            }
            child.wait()?;
            return Ok(());
        }
    }
    let mut out = std::io::stdout().lock();
    let lines: Vec<&str> = text.lines().collect();
    let step = rows - 1;
    for (k, chunk) in lines.chunks(step).enumerate() {
        for l in chunk {
            writeln!(out, "{l}")?;
        }
        if (k + 1) * step >= lines.len() {
            break;
        }
        write!(
            out,
            "-- more ({} of {} lines): Enter for the next page, q to stop --",
            (k + 1) * step,
            lines.len()
        )?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim().eq_ignore_ascii_case("q") || answer.is_empty() {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_without_its_marks() {
        let md = "## Title\n\nA `code` span, **bold**, [a link](#x) and [out](http://e).\n\n\
                  | a | b |\n|---|---|\n| `x\\|y` | one |\n\n```text\n$ run `this`\n```\n";
        let out = render(md, 80);
        assert_eq!(
            out,
            "Title\n=====\n\nA code span, bold, a link and out (http://e).\n\n  \
             a    b\n  ---  ---\n  x|y  one\n\n    $ run `this`\n"
        );
        // Too wide for the terminal: one entry a paragraph, wrapped and indented.
        let wide = render(
            "| a | b |\n|---|---|\n| x | one two three four five six seven eight nine |\n",
            40,
        );
        assert!(wide.starts_with("  x\n      one two"), "{wide}");
        assert!(wide.lines().all(|l| l.chars().count() <= 40), "{wide}");
    }

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
        // A section runs past its code blocks' comment lines to its last subsection.
        let model = section("## The model format").unwrap();
        assert!(model.contains("### Parquet tables"), "{model}");
        assert!(!model.contains("## Graph tools"));
    }

    #[test]
    fn paragraphs_and_list_items_are_wrapped_to_the_width() {
        let md = "one two three\nfour five six seven eight nine ten eleven twelve thirteen\n\n\
                  - an item that goes on and on and on and on and on and on\n  still the item\n";
        let out = render(md, 40);
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        assert!(
            out.starts_with("one two three four five six seven eight\nnine"),
            "{out}"
        );
        assert!(out.contains("\n\n- an item"), "{out}");
        assert!(
            out.contains("\n  still the item\n") || out.contains(" still the item\n"),
            "{out}"
        );
        assert!(
            out.lines()
                .skip(3)
                .all(|l| l.starts_with("- ") || l.starts_with("  ")),
            "{out}"
        );
    }

    #[test]
    fn help_lists_every_meta_command_and_leaves_no_markdown() {
        let overview = help(None, 100);
        for (m, _) in super::super::META {
            assert!(overview.contains(m), "{m} missing from :help");
        }
        for topic in std::iter::once(None).chain(TOPICS.iter().map(|t| Some(*t))) {
            let text = help(topic, 100);
            for mark in ["```", "|---", "\n## ", "\n### ", "**"] {
                assert!(!text.contains(mark), "{topic:?}: {mark}");
            }
        }
    }
}
