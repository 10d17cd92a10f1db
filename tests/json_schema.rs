//! The README's JSON schema (section "JSON and CSV output") holds: every example there, run
//! through the real binary with `--format json`, gives rows with exactly the documented keys,
//! in the documented order, each of a documented type; no key anywhere has a space.

use std::process::Command;

use serde_json::Value as J;

struct Schema {
    statement: String,
    query: String,
    model: Option<String>,
    /// Key and the types it may take (`string`, `number`, `integer`, `boolean`, `null`,
    /// `list of ids`).
    keys: Vec<(String, Vec<String>)>,
}

/// The text between the first pair of backticks in `s`.
fn code(s: &str) -> Option<&str> {
    let a = s.find('`')? + 1;
    let b = s[a..].find('`')? + a;
    Some(&s[a..b])
}

/// The schema table of the README's "JSON and CSV output" section.
fn schemas() -> Vec<Schema> {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let start = readme
        .find("\n## JSON and CSV output\n")
        .expect("README has a section `JSON and CSV output`");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut out = Vec::new();
    for line in section.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split(" | ")
            .map(str::trim)
            .collect();
        if cells.len() != 3 || !cells[1].starts_with('`') {
            continue;
        }
        let query = code(cells[1]).unwrap().replace("\\|", "|");
        let model = cells[1]
            .split("(on `")
            .nth(1)
            .and_then(|m| m.split('`').next())
            .map(|m| format!("{root}/{m}"));
        let keys = if cells[2].starts_with("as `") {
            let other = code(cells[2]).unwrap();
            let s: &Schema = out
                .iter()
                .find(|s: &&Schema| s.statement == other)
                .unwrap_or_else(|| panic!("no schema `{other}` before `{}`", cells[0]));
            s.keys.clone()
        } else {
            cells[2]
                .split(", `")
                .map(|entry| {
                    let entry = entry.trim_start_matches('`');
                    let (key, rest) = entry.split_once('`').unwrap();
                    // The types, before any remark in parentheses.
                    let types = rest.split('(').next().unwrap().trim();
                    let types = types.split(" or ").map(|t| t.trim().to_string()).collect();
                    (key.to_string(), types)
                })
                .collect()
        };
        out.push(Schema {
            statement: cells[0].to_string(),
            query,
            model,
            keys,
        });
    }
    out
}

fn json_of(query: &str, model: Option<&str>) -> J {
    let mut args = vec!["query", "--format", "json"];
    if let Some(m) = model {
        args.extend(["--model", m]);
    }
    args.push(query);
    let o = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn is_type(v: &J, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "list of ids" => v
            .as_array()
            .is_some_and(|a| a.len() >= 2 && a.iter().all(J::is_string)),
        other => panic!("the README names an unknown type `{other}`"),
    }
}

#[test]
fn every_documented_statement_gives_exactly_its_documented_keys() {
    let schemas = schemas();
    // Every kind of statement that answers with a table is documented.
    let kinds: Vec<&str> = schemas.iter().map(|s| s.statement.as_str()).collect();
    for kind in [
        "exposure",
        "loss",
        "a node set (list)",
        "chokepoints",
        "chokepoints by a grouping",
        "concentration",
        "concentration at a stage",
        "paths",
        "explain exposure",
        "total",
        "concentration of a total",
        "shortfall",
        "explain shortfall",
        "show",
        "show model",
    ] {
        assert!(
            kinds.contains(&kind),
            "README documents no `{kind}`: {kinds:?}"
        );
    }
    for s in &schemas {
        let j = json_of(&s.query, s.model.as_deref());
        let rows = j
            .as_array()
            .unwrap_or_else(|| panic!("{}: not an array", s.query));
        assert!(!rows.is_empty(), "{}: no rows to check", s.query);
        let want: Vec<&str> = s.keys.iter().map(|(k, _)| k.as_str()).collect();
        for row in rows {
            let obj = row.as_object().unwrap();
            let got: Vec<&str> = obj.keys().map(String::as_str).collect();
            assert_eq!(got, want, "{}: keys", s.query);
            for (k, types) in &s.keys {
                let v = &obj[k];
                assert!(
                    types.iter().any(|t| is_type(v, t)),
                    "{}: `{k}` is {v}, documented as {types:?}",
                    s.query
                );
            }
        }
    }
}

/// JSON Lines: each record carries the canonical statement, and a result its columns in order
/// and its rows keyed by them; no key of any record or row has a space.
#[test]
fn several_statements_are_json_lines_with_the_statement_and_columns() {
    let o = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args([
            "query",
            "--format",
            "json",
            "let x = \"Wind turbines\"; CONCENTRATION of x by country; paths from \"bayan-obo\" to x limit 2",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let recs: Vec<J> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 3, "{text}");
    assert_eq!(recs[0]["message"], "let x = 1 node");
    // The canonical text, not the text as written.
    assert_eq!(recs[1]["statement"], "concentration of x by country");
    let columns: Vec<&str> = recs[1]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        [
            "stage",
            "top_country",
            "top_share",
            "top_three",
            "hhi",
            "concentrated"
        ]
    );
    for row in recs[1]["rows"].as_array().unwrap() {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, columns);
    }
    // A path is its ids, from the start to the target, with its share.
    let p = &recs[2]["rows"][0];
    let ids = p["path"].as_array().unwrap();
    assert_eq!(ids.first().unwrap(), "bayan-obo");
    assert_eq!(ids.last().unwrap(), "wind-turbines");
    assert_eq!(p["steps"].as_u64(), Some(ids.len() as u64 - 1));
    for r in &recs {
        for k in r.as_object().unwrap().keys() {
            assert!(!k.contains(' '), "{k}");
        }
    }
}
