//! The real binary, driven as a user would: exit codes, the JSON and CSV contracts, scripts
//! that fail part-way, and `check` on good and broken models.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supplygraph"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
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

#[test]
fn check_passes_on_the_builtin_model_and_the_folder() {
    for args in [
        vec!["check"],
        vec!["check", "--model", "models/rare_earths"],
    ] {
        let o = bin()
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("figures without a source: 0"), "{out}");
        // No recycling loop since issue 12's balance: Urban Mining sells its 100 t in the US
        // market only, and US end uses feed no recycler.
        assert!(out.contains("supply cycles: none"), "{out}");
        // The base year balances: no node ships more than its output.
        assert!(out.contains("ok: 0 errors, 0 warnings"), "{out}");
    }
}

#[test]
fn check_fails_on_a_broken_model_with_places() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken/five_problems.toml");
    let o = run(&["check", "--model", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.matches("error:").count(), 5, "{err}");
    assert!(err.contains("five_problems.toml:11:10"), "{err}");
    assert!(err.contains("check failed: 5 errors"), "{err}");
}

#[test]
fn json_rows_follow_the_contract() {
    let o = run(&[
        "query",
        "--model",
        &small(),
        "--format",
        "json",
        "exposure of \"ev\" to \"Land\"; chokepoints of \"ev\"",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Two statements: JSON Lines, a record per statement holding its rows.
    let text = stdout(&o);
    let mut records = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap());
    let exposure = records.next().unwrap()["rows"].clone();
    let chokepoints = records.next().unwrap()["rows"].clone();
    assert!(records.next().is_none());
    let row = &exposure[0];
    assert_eq!(row["id"], "ev");
    assert_eq!(row["name"], "Electric vehicles");
    assert!((row["exposure"].as_f64().unwrap() - 0.8).abs() < 1e-12);
    let rows = chokepoints.as_array().unwrap();
    assert_eq!(rows[0]["id"], "gd-plant");
    assert_eq!(rows[0]["critical"], true);
    assert_eq!(rows[0]["impact"], 1.0);
    assert_eq!(rows[1]["critical"], false);
    // Impacts are in order, highest first; every row has the four contract keys.
    let impacts: Vec<f64> = rows.iter().map(|r| r["impact"].as_f64().unwrap()).collect();
    assert!(impacts.windows(2).all(|w| w[0] >= w[1]));
    for r in rows {
        for k in ["id", "name", "impact", "critical"] {
            assert!(r.get(k).is_some(), "{r}");
        }
    }
}

#[test]
fn csv_has_a_header_and_exact_numbers() {
    let o = run(&[
        "query",
        "--model",
        &small(),
        "--format",
        "csv",
        "exposure of \"ev\", \"magnets\" to \"mine-a\"",
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,name,exposure"));
    // magnets: 0.54 / 0.92 (worked by hand in tests/queries/exposure_node.sgq).
    let magnets = lines.next().unwrap();
    let x: f64 = magnets.rsplit(',').next().unwrap().parse().unwrap();
    assert!(
        magnets.starts_with("magnets,") && (x - 0.54 / 0.92).abs() < 1e-12,
        "{magnets}"
    );
}

#[test]
fn a_failing_script_statement_is_reported_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.sgq");
    std::fs::write(&script, "exposure of \"ev\" to \"Land\";\n\nchokepoints of \"evv\";\nexposure of \"ev\" to \"Sea\";\n").unwrap();
    let o = run(&["run", "--model", &small(), script.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("s.sgq:3:16"), "{err}");
    assert!(err.contains("did you mean \"ev\"?"), "{err}");
    assert!(err.contains("in statement 2 of 3"), "{err}");
    assert!(err.contains("1 statement not run"), "{err}");
    assert_eq!(stdout(&o).matches("exposure of").count(), 1);
    // With --continue-on-error the third statement runs, and the exit code still says failure.
    let o = run(&[
        "run",
        "--continue-on-error",
        "--model",
        &small(),
        script.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).matches("exposure of").count(), 2);
}

#[test]
fn the_seed_questions_script_runs_on_the_builtin_model() {
    let o = bin()
        .args(["run", "examples/seed_questions.sgq"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("with scenario us_magnets_down: loss of us_end_uses"));
    assert!(out.contains("concentration of \"NdFeB magnets, world market\" by country"));
}

#[test]
fn hostile_queries_fail_cleanly() {
    let huge = format!("exposure of \"ev\" to \"{}\"", "x".repeat(1 << 20));
    let deep = format!(
        "upstream of {}\"ev\"{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let chain = "upstream of ".repeat(5_000) + "\"ev\"";
    let dir = tempfile::tempdir().unwrap();
    for (i, q) in [
        huge.as_str(),
        deep.as_str(),
        chain.as_str(),
        "",
        ";;;",
        "exposure of",
        "\u{1}\u{7f}",
    ]
    .into_iter()
    .enumerate()
    {
        // A 1 MB query is more than one command-line argument may hold: go through a script.
        let script = dir.path().join(format!("q{i}.sgq"));
        std::fs::write(&script, q).unwrap();
        let o = run(&["run", "--model", &small(), script.to_str().unwrap()]);
        assert!(
            o.status.code().is_some(),
            "killed by a signal on {}",
            &q[..q.len().min(40)]
        );
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{err}");
        if !q.trim_matches(';').is_empty() {
            assert_eq!(o.status.code(), Some(1), "{}", &q[..q.len().min(40)]);
            assert!(
                err.contains(&format!("q{i}.sgq:1:")),
                "{}",
                &err[..err.len().min(500)]
            );
            assert!(
                err.len() < 5_000,
                "the report of a long query is cut: {} bytes",
                err.len()
            );
        }
    }
}

#[test]
fn paths_on_a_dense_graph_stop_at_their_bounds() {
    // A complete layered graph: 12 layers of 6 nodes, every node feeding every node below,
    // has 6^10 paths from top to bottom; the query must return quickly with its bound noted.
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
    let o = run(&[
        "query",
        "--model",
        path.to_str().unwrap(),
        "--format",
        "csv",
        "paths from \"n0_0\" to \"n11_0\" limit 1000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1001);
}

/// The subcommands a user sees in `--help` (the `Command` enum).
const SUBCOMMANDS: [&str; 10] = [
    "check",
    "convert",
    "diagram",
    "query",
    "generate",
    "repl",
    "run",
    "completions",
    "man",
    "help",
];

/// Whether a program is on the PATH.
fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn completion_scripts_parse_and_name_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, checker) in [
        ("bash", Some("bash")),
        ("zsh", Some("zsh")),
        ("fish", Some("fish")),
        ("elvish", None),
        ("powershell", None),
    ] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        // The shell's own parser reads the script without running it (`-n`), where the shell
        // is installed (bash always is on the machines the tests run on).
        if let Some(sh) = checker.filter(|s| *s == "bash" || have(s)) {
            let file = dir.path().join(format!("completion.{shell}"));
            std::fs::write(&file, &script).unwrap();
            let check = Command::new(sh).arg("-n").arg(&file).output().unwrap();
            assert!(check.status.success(), "{shell}: {}", stderr(&check));
        }
    }
    // Sourced into bash, it registers a completion for the program.
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source <({} completions bash) && complete -p supplygraph",
            env!("CARGO_BIN_EXE_supplygraph")
        ))
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("supplygraph"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bash"), "{}", stderr(&o));
}

#[test]
fn the_man_page_is_roff_and_lists_every_subcommand() {
    let o = run(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") || page.contains(".TH supplygraph"),
        "{page}"
    );
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("supplygraph\\-{sub}")),
            "no {sub}: {page}"
        );
    }
    // groff reads it without a warning, where it is installed.
    if have("groff") {
        let out = common::with_stdin(
            Command::new("groff").args(["-man", "-Tutf8", "-ww", "-z"]),
            &page,
        );
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            stderr(&out)
        );
    }
}

/// `NO_COLOR` (any non-empty value) wins over `CLICOLOR_FORCE`: a wrong command line's error,
/// in colour when forced, has no escape byte with `NO_COLOR`; an empty `NO_COLOR` changes
/// nothing (<https://no-color.org>).
#[test]
fn no_color_leaves_no_escape_byte_even_where_colour_is_forced() {
    let wrong = |no_color: Option<&str>| {
        let mut c = bin();
        c.args(["querry", "--modle", "x"])
            .env("CLICOLOR_FORCE", "1");
        c.env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        o.stderr
    };
    assert!(wrong(None).contains(&0x1b), "colour is forced");
    assert!(
        wrong(Some("")).contains(&0x1b),
        "an empty NO_COLOR is not set"
    );
    for v in ["1", "true", "0"] {
        let err = wrong(Some(v));
        assert!(
            !err.contains(&0x1b),
            "NO_COLOR={v}: {}",
            String::from_utf8_lossy(&err)
        );
        assert!(String::from_utf8_lossy(&err).contains("querry"));
    }
    // Help too, and a model error.
    let o = bin()
        .arg("--help")
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success() && !o.stdout.contains(&0x1b));
    let o = bin()
        .args(["query", "--model", "no/such/model", "exposure of x to y"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!o.stderr.contains(&0x1b) && !o.stdout.contains(&0x1b));
}

/// `SUPPLYGRAPH_PHASES` prints where the time goes, phase by phase in the order of the
/// pipeline, on standard error only: the answer is the same, and without it nothing is
/// printed.
#[test]
fn phases_are_timed_on_standard_error_when_asked() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let tables = dir.path().join("g");
    let o = run(&[
        "generate",
        "--nodes",
        "2000",
        "-o",
        &tables.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let query = |phases: bool| {
        let mut cmd = bin();
        cmd.args([
            "query",
            "--model",
            &tables.display().to_string(),
            "--format",
            "csv",
        ])
        .arg("exposure of nodes where kind = end_use to \"k1\"")
        .env_remove("SUPPLYGRAPH_PHASES");
        if phases {
            cmd.env("SUPPLYGRAPH_PHASES", "1");
        }
        cmd.output().expect("runs")
    };
    let (plain, timed) = (query(false), query(true));
    assert!(plain.status.success() && timed.status.success());
    assert_eq!(stdout(&plain), stdout(&timed));
    assert!(!stderr(&plain).contains("phase "), "{}", stderr(&plain));
    let labels: Vec<String> = stderr(&timed)
        .lines()
        .filter_map(|l| l.strip_prefix("phase "))
        // The label, then the milliseconds (and on Linux the CPU time and page faults).
        .map(|l| {
            l.split(|c: char| c.is_ascii_digit())
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect();
    let want = [
        "load",
        "read the tables",
        "node rows",
        "id indexes",
        "edge rows",
        "share groups",
        "graph and analysis arrays",
        "cycles",
        "model loaded",
        "session",
        "statement evaluated",
        "result written",
    ];
    assert_eq!(labels, want, "{}", stderr(&timed));
}
