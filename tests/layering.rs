//! The pipeline's layering, read from the code's own imports: no module uses one above it
//! (ARCHITECTURE.md draws the stack), and the folders' imports form no loop.
//!
//! The layers, lowest first: the base modules (`diag`, `suggest`, `number`, `text`, `cancel`,
//! `phases`) · `model` · `analysis` · `output` · `query` and `load` (model loading with
//! progress) · the faces (`repl`, `cli`, and the commands beside them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's rank in the stack; a module may use only modules of a lower rank (or its own).
fn rank(module: &str) -> Option<u32> {
    Some(match module {
        "diag" | "suggest" | "number" | "text" | "cancel" | "phases" => 0,
        "model" => 1,
        "analysis" => 2,
        "output" => 3,
        "query" | "load" => 4,
        "repl" | "cli" | "generate" => 5,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/query/eval.rs` -> `query`, `src/diag.rs` ->
/// `diag`; `None` for the crate root.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The code of a file without its comments (prose may name modules freely).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module a file's code names through `crate::`: `crate::model::X`, and the
/// first segment of each item in `use crate::{model::X, output::{Y, Z}}`.
fn modules_used(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let preceded_by_ident = rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        rest = &rest[i + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        let trimmed = rest.trim_start();
        if let Some(group) = trimmed.strip_prefix('{') {
            // The items of the group at depth 0, each up to its first `::`, `,` or `}`.
            let mut depth = 0;
            let mut start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && !c.is_whitespace() => {
                        start = false;
                        let name = ident(&group[k..]);
                        if !name.is_empty() && name != "self" {
                            used.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(trimmed);
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

/// Which top-level modules each top-level module uses, from every file under `src/`.
fn module_imports() -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut imports: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for file in files {
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a source file is readable");
        for used in modules_used(&code_of(&text)) {
            if used != module {
                let shown = file
                    .strip_prefix(&src)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                imports
                    .entry(module.clone())
                    .or_default()
                    .entry(used)
                    .or_default()
                    .push(shown);
            }
        }
    }
    imports
}

#[test]
fn the_import_reader_sees_plain_and_grouped_uses() {
    let code = code_of(
        "use crate::model::Model;\nuse crate::{analysis::net, output::{Cell, Table}, self};\n\
         // crate::repl is only named in prose\nlet x = crate::diag::Span::default();\n\
         let y = $crate::ignored; let z = my_crate::ignored;",
    );
    let used: Vec<String> = modules_used(&code).into_iter().collect();
    assert_eq!(used, ["analysis", "diag", "model", "output"]);
}

#[test]
fn no_module_uses_one_above_it() {
    let mut wrong = Vec::new();
    for (module, used) in module_imports() {
        let Some(own) = rank(&module) else {
            wrong.push(format!(
                "src/{module}: not placed in the stack (add it to rank())"
            ));
            continue;
        };
        for (other, files) in used {
            match rank(&other) {
                Some(r) if r < own || (r == own && own == 0) => {}
                Some(r) if r == own && own == 5 && module == "cli" => {} // the CLI starts the shell
                _ => wrong.push(format!("src/{module} uses crate::{other} in {files:?}")),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_folders_form_no_import_loop() {
    let imports = module_imports();
    // Depth-first search for a cycle in the module graph.
    fn visit<'a>(
        m: &'a str,
        g: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(1) => {
                let from = stack.iter().position(|s| *s == m).unwrap_or(0);
                let mut cycle: Vec<String> = stack[from..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(m, 1);
        stack.push(m);
        if let Some(out) = g.get(m) {
            for next in out.keys() {
                if let Some(c) = visit(next, g, state, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        state.insert(m, 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in imports.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(m, &imports, &mut state, &mut stack) {
            panic!("import loop: {}", cycle.join(" -> "));
        }
    }
}
