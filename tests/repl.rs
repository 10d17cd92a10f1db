//! The interactive shell, driven in a pseudo-terminal as a person would use it.

mod common;

use std::path::Path;
use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

const TIMEOUT_MS: u64 = 30_000;
/// The editor drops what is typed before its prompt shows: every line is sent after it.
const PROMPT: &str = "supplygraph> ";

fn shell(state: &Path, model: Option<&Path>) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_supplygraph"));
    cmd.arg("repl");
    if let Some(m) = model {
        cmd.arg("--model").arg(m);
    }
    cmd.env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn");
    p.exp_string("Type :help").expect("banner");
    p.exp_string(PROMPT).expect("prompt");
    p
}

#[test]
fn tab_completes_a_partial_node_name() {
    let state = tempfile::tempdir().unwrap();
    let mut p = shell(state.path(), None);
    p.send("chokepoints of \"Baya").unwrap();
    p.send("\t").unwrap();
    p.send_line(" limit 2;").unwrap();
    p.exp_string("chokepoints of \"Bayan Obo mine\" limit 2")
        .unwrap();
    // Text only the result holds (the line typed is echoed too).
    p.exp_string("critical").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn a_statement_may_span_lines_and_ends_with_a_semicolon() {
    let state = tempfile::tempdir().unwrap();
    let mut p = shell(state.path(), None);
    p.send_line("exposure of \"Electric vehicles\"").unwrap();
    p.send_line("  to \"China\";").unwrap();
    p.exp_string("exposure of \"Electric vehicles\" to \"China\"")
        .unwrap();
    // By hand: the market outside the US takes 292,800 of 308,930 t from China, and loses
    // through their Chinese Dy and Tb (the scarcer of each maker's two inputs) 121 / 135 of
    // Japan's 13,710 t, 8 / 9 of Europe's 920 t and 14 / 18 of Narva's 1,500 t:
    // 0.947788 + 0.039776 + 0.002647 + 0.003777 = 0.993989, shown as 99.4%.
    p.exp_string("99.4%").unwrap();
    p.exp_string(PROMPT).unwrap();
    // A blank line ends a statement too.
    p.send_line("loss of \"Wind turbines\"").unwrap();
    p.send_line("").unwrap();
    p.exp_string("wind-turbines").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn an_error_shows_a_caret_and_the_prompt_comes_back() {
    let state = tempfile::tempdir().unwrap();
    let mut p = shell(state.path(), None);
    p.send_line("exposure of \"Electrc vehicles\" to \"China\";")
        .unwrap();
    p.exp_string("unknown node or region \"Electrc vehicles\"")
        .unwrap();
    p.exp_string("^^^^^^^^^^^^^^^^^^ did you mean \"Electric vehicles\"?")
        .unwrap();
    p.exp_string(PROMPT).unwrap();
    // A wrong statement is submitted at once, without waiting for `;`.
    p.send_line("chokepoints of \"Wind turbines\" by continent")
        .unwrap();
    p.exp_string("expected country, region, stage or company")
        .unwrap();
    p.exp_string("supplygraph> ").unwrap();
    p.send_line("show \"Mountain Pass mine\";").unwrap();
    p.exp_string("concentrate_to_china_stopped").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn history_is_recalled_in_a_second_session() {
    let state = tempfile::tempdir().unwrap();
    let mut p = shell(state.path(), None);
    p.send_line("exposure of \"Hard disk drives\" to \"Myanmar\";")
        .unwrap();
    p.exp_string("hard-disk-drives").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let file = state.path().join("supplygraph/history");
    let saved = std::fs::read_to_string(&file).expect("history file in the state folder");
    assert!(saved.contains("exposure of \"Hard disk drives\" to \"Myanmar\";"));

    let mut p = shell(state.path(), None);
    p.send("\x1b[A").unwrap(); // Up: the last statement of the first session
    p.send_line("").unwrap();
    p.exp_string("exposure of \"Hard disk drives\" to \"Myanmar\"")
        .unwrap();
    p.exp_string("hard-disk-drives").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_stops_a_long_query_and_the_session_goes_on() {
    // A long chain: the chokepoints of its end cost one propagation per node.
    let dir = tempfile::tempdir().unwrap();
    let n = 40_000;
    let mut t = String::with_capacity(n * 80);
    for i in 0..n {
        t += &format!("[[node]]\nid = \"n{i}\"\nkind = \"stage\"\n");
    }
    for i in 1..n {
        t += &format!("[[edge]]\nfrom = \"n{}\"\nto = \"n{i}\"\n", i - 1);
    }
    let model = dir.path().join("chain.toml");
    std::fs::write(&model, t).unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut p = shell(state.path(), Some(&model));
    p.send_line(&format!("chokepoints of \"n{}\";", n - 1))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    p.send_control('c').unwrap();
    p.exp_string("interrupted (Ctrl-C)").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line("loss of \"n5\";").unwrap();
    p.exp_string("no what-if is in force").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn meta_commands_work() {
    let state = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut p = shell(state.path(), None);
    p.send_line("let magnets = nodes where stage = \"magnet\";")
        .unwrap();
    p.exp_string("let magnets = 13 nodes").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":let").unwrap();
    p.exp_string("magnets: 13 nodes").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":scenarios").unwrap();
    p.exp_string("us_magnets_down: restrict exports").unwrap();
    p.exp_string("supplygraph> ").unwrap();
    p.send_line(":format csv").unwrap();
    // The editor drops what is typed before its prompt shows: wait for the next one, after
    // text only the shell's answer holds (the line typed is echoed, and redrawn as it is typed).
    p.exp_string("results print as csv").unwrap();
    p.exp_string("supplygraph> ").unwrap();
    p.send_line("exposure of \"Catalysts\" to \"Baotou\";")
        .unwrap();
    p.exp_string("id,name,exposure").unwrap();
    p.exp_string(PROMPT).unwrap();
    let saved = out.path().join("last.json");
    p.send_line(&format!(":save {}", saved.display())).unwrap();
    p.exp_string("saved to").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":help what-ifs").unwrap();
    p.exp_string("restrict exports from R1").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":reload").unwrap();
    p.exp_string("Type :help").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":let").unwrap();
    p.exp_string("magnets: 13 nodes").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(saved).unwrap()).unwrap();
    assert_eq!(json[0]["id"], "catalysts");
    // Baotou's share of the La-Ce market, from the separators' La-Ce volumes in t REO (their
    // output less their magnet rare-earth oxides, Dy and Tb):
    // 144,100 / (144,100 + 96,410 + 7,420 + 5,200).
    let baotou = 144_100.0 / 253_130.0;
    assert!((json[0]["exposure"].as_f64().unwrap() - baotou).abs() < 1e-9);
}

#[test]
fn piped_input_runs_like_a_script() {
    let run = |input: &str| {
        common::with_stdin(&mut Command::new(env!("CARGO_BIN_EXE_supplygraph")), input)
    };
    let o = run("chokepoints of \"Wind turbines\" limit 2;\n");
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("chokepoints of \"Wind turbines\" limit 2\n"),
        "{out}"
    );
    assert!(!out.contains("supplygraph>") && !out.contains('\x1b'));
    let o = run("loss of \"Wind turbines\";\nexposure of \"nope\" to \"China\";\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("<stdin>:2:13"));
}

#[test]
fn a_huge_result_shows_its_first_rows_with_a_note() {
    let state = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("net");
    let o = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args(["generate", "--nodes", "20000", "-o"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut p = shell(state.path(), Some(&model));
    p.send_line("nodes;").unwrap();
    let before = p.exp_string("note: showing the first 100 of").unwrap();
    // At most the first 100 rows, and their frame, were drawn.
    assert!(
        before.lines().count() < 150,
        "{} lines",
        before.lines().count()
    );
    p.exp_string(":save FILE").unwrap();
    p.exp_string(PROMPT).unwrap();
    // `:save` still writes every row.
    let saved = dir.path().join("all.csv");
    p.send_line(&format!(":save {}", saved.display())).unwrap();
    p.exp_string("saved to").unwrap();
    p.exp_string(PROMPT).unwrap();
    let rows = std::fs::read_to_string(&saved).unwrap().lines().count() - 1;
    assert!(rows > 10_000, "{rows}");
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}
