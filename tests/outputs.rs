//! What results look like through the real binary on the flagship (built-in) model: text
//! tables for reading, JSON Lines and CSV for machines, one file per statement with `-o DIR`,
//! and the shell's help and meta-commands on piped input. Snapshots (insta) keep the shapes;
//! the other tests check them against figures computed apart (the exact JSON beside the text).

mod common;

use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supplygraph"))
}

fn run(args: &[&str]) -> Output {
    let o = bin().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn piped(args: &[&str], input: &str) -> Output {
    common::with_stdin(bin().args(args).env_remove("PAGER"), input)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// One statement of each kind that answers with a table, on the flagship model.
const STATEMENTS: &[&str] = &[
    r#"exposure of "Wind turbines", "Hard disk drives" to "China""#,
    r#"with scenario us_magnets_down: loss of nodes where kind = end_use"#,
    r#"chokepoints of "Wind turbines" limit 6"#,
    r#"chokepoints of "Wind turbines" by country"#,
    r#"concentration of "Wind turbines" by country"#,
    r#"concentration of "Wind turbines" by country at stage "separation""#,
    r#"paths from "bayan-obo" to "Wind turbines" limit 3"#,
    r#"explain exposure of "Wind turbines" to "China" limit 4"#,
    r#"total output of nodes where kind = mine by country"#,
    r#"concentration of total output of nodes where kind = mine by country"#,
    r#"show "bayan-obo""#,
];

#[test]
fn flagship_tables_for_reading() {
    let o = run(&["query", &STATEMENTS.join(";\n")]);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn flagship_json_lines() {
    let o = run(&["query", "--format", "json", &STATEMENTS[2..7].join(";")]);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn flagship_long_csv() {
    let o = run(&["query", "--format", "csv", &STATEMENTS[5..7].join(";")]);
    insta::assert_snapshot!(stdout(&o));
}

/// The cells of a text table's body rows, trimmed (comfy-table's UTF8_FULL_CONDENSED preset).
fn text_rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|l| l.starts_with('│'))
        .skip(1) // the header
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// Every number of every statement, as text shows it beside its exact value in JSON: a
/// non-zero figure never reads `0` (nor `0%`, `0.0%`); a fraction column reads as a
/// percentage within half its last digit of the exact value, and `100%` only for exactly 1.
#[test]
fn text_never_rounds_a_figure_to_zero_and_shows_fractions_as_percentages() {
    let fraction_columns = [
        "exposure",
        "loss",
        "impact",
        "share",
        "top_share",
        "reach",
        "contribution",
    ];
    let mut checked = 0;
    for st in STATEMENTS {
        let text = stdout(&run(&["query", st]));
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&run(&["query", "--format", "json", st]))).unwrap();
        let rows = json.as_array().unwrap();
        let shown = text_rows(&text);
        assert_eq!(rows.len(), shown.len(), "{st}:\n{text}");
        for (row, cells) in rows.iter().zip(&shown) {
            let obj = row.as_object().unwrap();
            assert_eq!(obj.len(), cells.len(), "{st}");
            for ((key, exact), cell) in obj.iter().zip(cells) {
                let Some(x) = exact.as_f64().filter(|_| !exact.is_boolean()) else {
                    continue;
                };
                checked += 1;
                if x != 0.0 {
                    assert!(
                        !["0", "0%", "0.0%", "-0"].contains(&cell.as_str()),
                        "{st}: {key} = {x} shows as {cell}"
                    );
                }
                if fraction_columns.contains(&key.as_str()) {
                    let p: f64 = cell
                        .strip_suffix('%')
                        .unwrap_or_else(|| panic!("{st}: {key} = {cell}, not a percentage"))
                        .parse()
                        .unwrap();
                    let decimals = cell.split('.').nth(1).map_or(0, |d| d.len() - 1);
                    let half = 0.5 / 10f64.powf(decimals as f64);
                    assert!(
                        (p - x * 100.0).abs() <= half + 1e-9,
                        "{st}: {key} {x} as {cell}"
                    );
                    assert_eq!(cell == "100%", x == 1.0, "{st}: {key} {x} as {cell}");
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} numbers checked");
}

/// `-o DIR`: one file per result, named by number and measure, each the one-statement shape
/// (its own header), equal cell for cell to that statement run alone.
#[test]
fn output_folder_holds_one_file_per_statement() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let o = run(&[
        "query",
        "--format",
        "csv",
        "-o",
        out.to_str().unwrap(),
        &format!(
            "let wind = \"Wind turbines\"; {}; chokepoints of wind limit 3",
            STATEMENTS[0]
        ),
    ]);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("let wind = 1 node"), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["02-exposure.csv", "03-chokepoints.csv"]);
    let alone = stdout(&run(&["query", "--format", "csv", STATEMENTS[0]]));
    assert_eq!(
        std::fs::read_to_string(out.join("02-exposure.csv")).unwrap(),
        alone
    );
    let chokepoints = std::fs::read_to_string(out.join("03-chokepoints.csv")).unwrap();
    assert!(chokepoints.starts_with("id,name,stage,country,impact,critical\n"));
    assert_eq!(chokepoints.lines().count(), 4);
}

/// `query -` and `run -` read the statements from standard input, several of them as JSON Lines.
#[test]
fn query_and_run_read_standard_input() {
    for cmd in ["query", "run"] {
        let o = piped(
            &[cmd, "--format", "json", "-"],
            "let x = \"Wind turbines\";\nexposure of x to \"China\";\n",
        );
        assert!(o.status.success(), "{cmd}");
        let lines: Vec<serde_json::Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{cmd}");
        assert_eq!(lines[1]["statement"], "exposure of x to \"China\"");
        assert_eq!(lines[1]["rows"][0]["id"], "wind-turbines");
    }
}

/// Meta-commands on piped input: `:quit` alone ends quietly, `:model` prints the summary,
/// `:help` prints the reference rendered (no Markdown) with every meta-command, unpaged.
#[test]
fn meta_commands_work_on_piped_input() {
    let o = piped(&[], ":quit\n");
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "{}", stdout(&o));

    let o = piped(
        &[],
        ":model\n:quit\nexposure of \"Wind turbines\" to \"China\";\n",
    );
    assert!(o.status.success());
    let summary = stdout(&o);
    assert!(
        summary.starts_with("model: Rare-earth supply chain"),
        "{summary}"
    );
    // `:quit` stops before the statement after it.
    assert!(!summary.contains("exposure of"), "{summary}");

    // `:save` and `:diagram` take the last result of piped statements too.
    let dir = tempfile::tempdir().unwrap();
    let (saved, drawn) = (dir.path().join("last.json"), dir.path().join("last.dot"));
    let o = piped(
        &[],
        &format!(
            "{};\n:save {}\n:diagram {}\n",
            STATEMENTS[6],
            saved.display(),
            drawn.display()
        ),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let alone = stdout(&run(&["query", "--format", "json", STATEMENTS[6]]));
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), alone);
    assert!(std::fs::read_to_string(&drawn)
        .unwrap()
        .starts_with("digraph"));

    let o = piped(&[], ":help\n");
    assert!(o.status.success());
    let help = stdout(&o);
    for m in [
        ":help",
        ":load",
        ":reload",
        ":model",
        ":format",
        ":save",
        ":diagram",
        ":scenarios",
        ":let",
        ":timing",
        ":quit",
    ] {
        assert!(help.contains(m), "{m} missing from :help");
    }
    for mark in ["```", "|---", "\n| ", "\n#", "**"] {
        assert!(!help.contains(mark), "`{mark}` left in :help:\n{help}");
    }
    assert!(!help.contains("-- more"), "piped output is never paged");
    insta::assert_snapshot!(
        "help_overview_head",
        help.lines().take(14).collect::<Vec<_>>().join("\n")
    );
}

/// The banner and `:model` count the same things: flow nodes apart from regions.
#[test]
fn banner_and_model_summary_agree() {
    let o = piped(&[], ":model\n");
    let summary = stdout(&o);
    let count = |prefix: &str| -> usize {
        let line = summary.lines().find(|l| l.starts_with(prefix)).unwrap();
        line[prefix.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (flow, regions, edges) = (
        count("flow nodes: "),
        count("regions: "),
        count("supply edges: "),
    );
    // Counted apart, from the model's own list of nodes.
    let all: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["query", "--format", "json", "nodes"]))).unwrap();
    assert_eq!(all.as_array().unwrap().len(), flow);
    // The banner shows at a terminal only; its line is built from the same counts.
    let mut p = rexpect::session::spawn_command(
        {
            let mut c = bin();
            c.arg("repl")
                .env("NO_COLOR", "1")
                .env("TERM", "xterm")
                .env("XDG_STATE_HOME", std::env::temp_dir());
            c
        },
        Some(30_000),
    )
    .unwrap();
    p.exp_string(&format!(
        "({flow} flow nodes, {regions} regions, {edges} supply edges,"
    ))
    .unwrap();
    p.exp_string("supplygraph> ").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}

/// At a terminal shorter than the help, `:help` pages it: the built-in pager stops after a
/// screenful and `q` ends it, back at the prompt; with `$PAGER`, the text goes through it.
#[test]
fn long_help_is_paged_at_a_terminal() {
    let state = tempfile::tempdir().unwrap();
    let spawn = |pager: Option<&str>| {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                "stty rows 12 cols 100; exec '{}' repl",
                env!("CARGO_BIN_EXE_supplygraph")
            ))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("XDG_STATE_HOME", state.path());
        match pager {
            Some(p) => c.env("PAGER", p),
            None => c.env_remove("PAGER"),
        };
        let mut p = rexpect::session::spawn_command(c, Some(30_000)).unwrap();
        p.exp_string("supplygraph> ").unwrap();
        p
    };
    let mut p = spawn(None);
    p.send_line(":help").unwrap();
    p.exp_string("-- more (11 of").unwrap();
    p.send_line("q").unwrap();
    p.exp_string("supplygraph> ").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();

    let mut p = spawn(Some("sed -n 1p; echo PAGED-BY-SED; cat >/dev/null"));
    p.send_line(":help").unwrap();
    p.exp_string("PAGED-BY-SED").unwrap();
    p.exp_string("supplygraph> ").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}

/// A misspelt keyword gets the nearest word the grammar expects there, as a misspelt name or
/// command does: `by cuntry`, `lmit`, `wher`.
#[test]
fn a_misspelt_keyword_gets_its_did_you_mean() {
    for (query, want, caret) in [
        (r#"chokepoints of "Wind turbines" by cuntry"#, "country", 35),
        (r#"chokepoints of "Wind turbines" lmit 3"#, "limit", 32),
        ("nodes wher kind = mine", "where", 7),
    ] {
        let o = bin().args(["query", query]).output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("did you mean `{want}`?")), "{err}");
        assert!(err.contains(&format!("<query>:1:{caret}")), "{err}");
    }
    // A word far from every keyword gets no guess.
    let o = bin()
        .args(["query", r#"chokepoints of "Wind turbines" by zzz"#])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stderr).contains("did you mean"));
}
