//! The README shows the seed questions' output: it must be the output of today's model.

use std::process::Command;

#[test]
fn readme_shows_the_current_seed_answers() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let start = readme
        .find("<!-- seed-output -->\n```text\n")
        .expect("marker")
        + "<!-- seed-output -->\n```text\n".len();
    let end = readme
        .find("```\n<!-- /seed-output -->")
        .expect("end marker");
    let shown = &readme[start..end];
    let o = Command::new(env!("CARGO_BIN_EXE_supplygraph"))
        .args(["run", "examples/seed_questions.sgq"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(o.status.success());
    let now = String::from_utf8(o.stdout).unwrap();
    assert!(
        shown == now,
        "README's seed output is stale: regenerate it with `cargo run -- run examples/seed_questions.sgq`"
    );
}
