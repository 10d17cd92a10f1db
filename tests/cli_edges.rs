//! The real binary on the edges outside testing found (issue 13): several statements in JSON
//! and CSV, piped input with meta-commands, queries that start with a comment, empty input,
//! mistyped model paths, Ctrl-C, control characters in messages, `generate` sizes.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supplygraph"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

/// Runs with `input` on standard input.
fn piped(args: &[&str], input: &str) -> Output {
    common::with_stdin(bin().args(args), input)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn small() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/models/small.toml")
        .display()
        .to_string()
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn several_statements_in_json_are_json_lines_and_one_is_a_plain_array() {
    let q = "exposure of \"ev\" to \"Land\"; let x = \"ev\"; chokepoints of \"evv\"; chokepoints of \"ev\" limit 1";
    let o = run(&[
        "query",
        "--model",
        &small(),
        "--format",
        "json",
        "--continue-on-error",
        q,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let recs = json_lines(&stdout(&o));
    assert_eq!(recs.len(), 4, "{}", stdout(&o));
    assert_eq!(recs[0]["statement"], "exposure of \"ev\" to \"Land\"");
    assert_eq!(recs[0]["rows"][0]["id"], "ev");
    assert_eq!(recs[1]["message"], "let x = 1 node");
    let e = &recs[2]["error"];
    assert_eq!(recs[2]["statement"], "chokepoints of \"evv\"");
    assert_eq!(e["code"], "E0101");
    assert_eq!(e["line"], 1);
    assert_eq!(e["column"], 58);
    assert!(e["message"].as_str().unwrap().contains("evv"), "{e}");
    assert_eq!(recs[3]["rows"][0]["critical"], true);
    // The error is reported on standard error as ever.
    assert!(
        stderr(&o).contains("did you mean \"ev\"?"),
        "{}",
        stderr(&o)
    );

    // One statement: a plain array, as the JSON contract says.
    let o = run(&[
        "query",
        "--model",
        &small(),
        "--format",
        "json",
        "exposure of \"ev\" to \"Land\"",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["exposure"], 0.8);
}

#[test]
fn several_statements_in_csv_are_one_long_table() {
    let o = run(&[
        "query",
        "--model",
        &small(),
        "--format",
        "csv",
        "exposure of \"ev\" to \"Land\"; let x = \"ev\"; chokepoints of \"ev\" limit 2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["statement", "row", "column", "value"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // Every line has the same four fields: no glued tables.
    assert!(rows.iter().all(|r| r.len() == 4));
    assert_eq!(
        rows[2].iter().collect::<Vec<_>>(),
        ["exposure of \"ev\" to \"Land\"", "1", "exposure", "0.8"]
    );
    assert!(rows
        .iter()
        .any(|r| r[1].is_empty() && &r[2] == "message" && &r[3] == "let x = 1 node"));
    assert!(rows
        .iter()
        .any(|r| &r[0] == "chokepoints of \"ev\" limit 2" && &r[1] == "2" && &r[2] == "id"));
}

#[test]
fn piped_input_takes_meta_commands_and_continue_on_error() {
    // `:format json` switches the output; `:quit` ends the run before the last statement.
    let o = piped(
        &["--model", &small()],
        ":format json\nexposure of \"ev\" to \"Land\";\nloss of \"ev\"\n:quit\nnodes;\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = json_lines(&stdout(&o));
    assert_eq!(recs.len(), 2, "{}", stdout(&o));
    assert_eq!(recs[1]["statement"], "loss of \"ev\"");
    assert!(stderr(&o).contains("results print as json"));
    let o = piped(&["repl", "--model", &small()], ":help shell\n");
    assert!(o.status.success());
    assert!(stdout(&o).contains(":format"), "{}", stdout(&o));

    // The hint names an option both accept.
    let input = "chokepoints of \"evv\";\nloss of \"ev\";\n";
    let o = piped(&["--model", &small()], input);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--continue-on-error"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("loss of"));
    for args in [
        vec!["--continue-on-error", "--model", &small()],
        vec!["repl", "--continue-on-error", "--model", &small()],
    ] {
        let o = piped(&args, input);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("loss of \"ev\""), "{args:?}");
    }
    // `query -` and `run -` read standard input.
    for cmd in ["query", "run"] {
        let o = piped(
            &[cmd, "--model", &small(), "-"],
            "exposure of \"ev\" to \"Land\";",
        );
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
        // ev takes 0.8 of its supply through Land (tests/models/small.toml): 80% in a table.
        assert!(stdout(&o).contains("80.0%"), "{cmd}");
    }
}

#[test]
fn a_query_may_start_with_a_comment() {
    let o = run(&[
        "query",
        "--model",
        &small(),
        "-- note\nexposure of \"ev\" to \"Land\"",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("80.0%"));
}

#[test]
fn empty_input_says_so_and_fails() {
    let o = run(&["query", "--model", &small(), ""]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the query is empty"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("empty.sgq");
    std::fs::write(&script, "-- only a comment\n# and another\n").unwrap();
    let o = run(&["run", "--model", &small(), script.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no statement"), "{}", stderr(&o));
    let o = piped(&["--model", &small()], "\n-- nothing\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no statement"), "{}", stderr(&o));
}

#[test]
fn a_mistyped_model_path_suggests_the_nearest_and_a_non_model_is_refused() {
    let root = env!("CARGO_MANIFEST_DIR");
    let o = bin()
        .args(["query", "--model", "models/rare_earth", "nodes"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("no model at models/rare_earth"), "{err}");
    assert!(err.contains("did you mean models/rare_earths?"), "{err}");
    assert!(!err.contains("supplygraph check"), "{err}");
    let o = bin()
        .args(["query", "--model", "README.md", "nodes"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("README.md is not a model file"), "{err}");
    assert!(!err.contains("supplygraph check"), "{err}");
}

#[test]
fn ctrl_c_stops_the_statement_with_exit_code_130() {
    // A complete layered graph with 6^10 paths: listing them takes seconds.
    let dir = tempfile::tempdir().unwrap();
    let mut t = String::new();
    for l in 0..12 {
        for i in 0..6 {
            t += &format!("[[node]]\nid = \"n{l}_{i}\"\nkind = \"stage\"\n");
        }
    }
    for l in 0..11 {
        for i in 0..6 {
            for j in 0..6 {
                t += &format!("[[edge]]\nfrom = \"n{l}_{i}\"\nto = \"n{}_{j}\"\n", l + 1);
            }
        }
    }
    let path = dir.path().join("dense.toml");
    std::fs::write(&path, t).unwrap();
    let child = bin()
        .args([
            "query",
            "--model",
            path.to_str().unwrap(),
            "--format",
            "csv",
            "paths from \"n0_0\" to \"n11_0\" limit 100000000; nodes",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    // Killed by the signal, the process would have no exit code.
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted (Ctrl-C)"), "{err}");
}

#[test]
fn control_characters_from_names_never_reach_the_terminal_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.toml");
    std::fs::write(
        &path,
        "[[node]]\nid = \"evil\"\nname = \"Evil\\u001b[2J\\u0007 plant\"\nkind = \"facility\"\n\
         [[node]]\nid = \"ev\"\nkind = \"end_use\"\n[[edge]]\nfrom = \"evil\"\nto = \"ev\"\n",
    )
    .unwrap();
    let o = run(&[
        "query",
        "--model",
        path.to_str().unwrap(),
        "chokepoints of \"Evil\u{1b}[2J\u{7} plan\"",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("did you mean"), "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}'),
        "raw control characters: {err:?}"
    );
    assert!(err.contains("\\u{1b}[2J\\u{7}"), "{err}");
}

#[test]
fn generate_refuses_a_size_out_of_range_with_a_message_about_it() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["0", "100000000000"] {
        let o = run(&[
            "generate",
            "--nodes",
            n,
            "-o",
            dir.path().join("g").to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{n}");
        let err = stderr(&o);
        assert!(err.contains("--nodes"), "{err}");
        assert!(err.contains("between 1 and 50000000"), "{err}");
        assert!(!err.contains("cannot write"), "{err}");
        assert!(!dir.path().join("g").exists());
    }
}

#[test]
fn shell_options_before_a_command_are_refused_not_dropped() {
    let o = run(&["--model", &small(), "query", "nodes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

#[test]
fn results_that_cannot_be_written_stop_the_run_quietly_for_a_closed_pipe_and_loudly_else() {
    // A reader that stops early (`| head -1`): the run ends at once, without an error.
    let query = vec!["nodes"; 3000].join("; ");
    let mut child = bin()
        .args(["query", "--model", &small(), "--format", "csv", &query])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut first = [0u8; 9];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert_eq!(&first, b"statement");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    // A full disk: the run fails and says why.
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = bin()
            .args(["query", "--model", &small(), "nodes; nodes"])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("cannot write the results"),
            "{}",
            stderr(&o)
        );
    }
}
