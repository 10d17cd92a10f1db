//! The Python bindings: `supplygraph._native`, wrapped by the `supplygraph` package
//! (`python/supplygraph/__init__.py`), which turns results into DataFrames.
//!
//! A `Model` holds the built model behind an `Arc`: loaded once, reused by every query. A
//! `Session` borrows the model, so each `query` call makes one (the statements of one call share
//! their `let` variables), runs every statement with the GIL released, and returns plain data.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use supplygraph::diag::{Problem, Problems, Severity, SourceText};
use supplygraph::model;
use supplygraph::output::Cell;
use supplygraph::query::{parse, Outcome, Session};

/// A problem as plain data: message, rendered text (with `file:line:column` and a caret),
/// line, column, error code.
struct Failure {
    message: String,
    rendered: String,
    line: Option<usize>,
    column: Option<usize>,
    code: Option<String>,
    statement: Option<usize>,
}

impl Failure {
    fn of(p: &Problem, statement: Option<usize>) -> Failure {
        let (line, column) = p.loc.line_col().unzip();
        Failure {
            message: p.message.clone(),
            rendered: p.to_string(),
            line,
            column,
            code: p.code.map(|c| c.to_string()),
            statement,
        }
    }

    /// Raises the Python exception class `kind` of `supplygraph.errors`.
    fn raise(self, py: Python<'_>, kind: &str) -> PyErr {
        let class = match py
            .import("supplygraph.errors")
            .and_then(|m| m.getattr(kind))
        {
            Ok(c) => c,
            Err(e) => return e,
        };
        match class.call1((
            self.rendered.trim_end().to_string(),
            self.message,
            self.line,
            self.column,
            self.code,
            self.statement,
        )) {
            Ok(obj) => PyErr::from_value(obj),
            Err(e) => e,
        }
    }
}

/// One statement's result.
enum Result1 {
    Table {
        title: String,
        columns: Vec<String>,
        rows: Vec<Vec<Cell>>,
        notes: Vec<String>,
    },
    Message(String),
}

/// A loaded, validated model.
#[pyclass(frozen, module = "supplygraph._native")]
struct Model {
    inner: Arc<model::Model>,
    /// Warnings found while loading (the model has no errors).
    warnings: Vec<String>,
}

/// How many models `load` has built in this process (a query never loads one).
static LOADS: AtomicUsize = AtomicUsize::new(0);

/// Loads a model from a path (TOML file or folder, JSON file, CSV folder), or the built-in
/// rare-earth model when `path` is None. Raises `supplygraph.ModelError` listing every problem.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn load(py: Python<'_>, path: Option<PathBuf>) -> PyResult<Model> {
    let (m, problems) = py.allow_threads(|| model::load(path.as_deref()).build());
    LOADS.fetch_add(1, Ordering::Relaxed);
    match m {
        Some(m) => {
            let warnings = problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .map(|p| p.to_string().trim_end().to_string())
                .collect();
            Ok(Model {
                inner: Arc::new(m),
                warnings,
            })
        }
        None => Err(model_error(py, &problems)),
    }
}

/// `ModelError` with every error, the first one's place as the exception's place.
fn model_error(py: Python<'_>, problems: &Problems) -> PyErr {
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let Some(first) = errors.first() else {
        return PyValueError::new_err("the model could not be built");
    };
    let mut f = Failure::of(first, None);
    f.rendered = errors
        .iter()
        .map(|p| p.to_string().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    f.raise(py, "ModelError")
}

/// Runs every statement of `text` on `m`; stops at the first failing one.
fn run(m: &model::Model, text: String) -> Result<Vec<Result1>, Failure> {
    let file = Arc::new(SourceText::new("<query>", text));
    let (mut session, _) = Session::new(m);
    let ranges = parse::split(&file.text);
    let total = ranges.len();
    let mut out = Vec::with_capacity(total);
    for (i, r) in ranges.into_iter().enumerate() {
        let result = parse::parse_statement(&file, r)
            .and_then(|st| session.run(&file, &st))
            .and_then(|o| o.drawn(m, &file));
        match result {
            Ok(Outcome::Table(t)) => out.push(Result1::Table {
                title: t.title,
                columns: t.columns,
                rows: t.rows,
                notes: t.notes,
            }),
            Ok(Outcome::Message(msg)) => out.push(Result1::Message(msg)),
            Ok(Outcome::Diagram(_)) => {} // drawn above
            Err(p) => {
                let p = if total > 1 {
                    p.with_note(format!("in statement {} of {total}", i + 1))
                } else {
                    p
                };
                return Err(Failure::of(&p, Some(i + 1)));
            }
        }
    }
    Ok(out)
}

/// A cell as Python sees it, as in `--format json`: numbers exact, NaN and infinities as None.
fn cell<'py>(py: Python<'py>, c: &Cell) -> PyResult<Bound<'py, PyAny>> {
    Ok(match c {
        Cell::Text(s) => s.into_pyobject(py)?.into_any(),
        Cell::Num(x) if x.is_finite() => x.into_pyobject(py)?.into_any(),
        Cell::Num(_) | Cell::Null => py.None().into_bound(py),
        Cell::Int(i) => i.into_pyobject(py)?.into_any(),
        Cell::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        // A path: a list of ids, as the JSON array.
        Cell::List(xs) => PyList::new(py, xs)?.into_any(),
    })
}

#[pymethods]
impl Model {
    /// Runs one statement or several separated by `;`. Returns a list with, per statement,
    /// `("table", title, columns, rows, notes)` or `("message", text)`. Raises
    /// `supplygraph.QueryError` at the first failing statement.
    fn run<'py>(&self, py: Python<'py>, text: String) -> PyResult<Bound<'py, PyList>> {
        let m = self.inner.clone();
        let results = py
            .allow_threads(move || run(&m, text))
            .map_err(|f| f.raise(py, "QueryError"))?;
        let list = PyList::empty(py);
        for r in results {
            match r {
                Result1::Table {
                    title,
                    columns,
                    rows,
                    notes,
                } => {
                    let py_rows = PyList::empty(py);
                    for row in &rows {
                        let cells: Vec<Bound<'py, PyAny>> =
                            row.iter().map(|c| cell(py, c)).collect::<PyResult<_>>()?;
                        py_rows.append(PyList::new(py, cells)?)?;
                    }
                    let item = PyTuple::new(
                        py,
                        [
                            "table".into_pyobject(py)?.into_any(),
                            title.into_pyobject(py)?.into_any(),
                            PyList::new(py, columns)?.into_any(),
                            py_rows.into_any(),
                            PyList::new(py, notes)?.into_any(),
                        ],
                    )?;
                    list.append(item)?;
                }
                Result1::Message(msg) => list.append(("message", msg))?,
            }
        }
        Ok(list)
    }

    /// Where the model was loaded from.
    #[getter]
    fn origin(&self) -> String {
        self.inner.origin.clone()
    }

    /// Warnings found while loading.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// The number of flow nodes (mines, facilities, stages, products, end uses).
    #[getter]
    fn node_count(&self) -> usize {
        self.inner.flow_nodes().count()
    }

    /// The number of supply edges.
    #[getter]
    fn edge_count(&self) -> usize {
        self.inner.supplies.len()
    }

    /// The model's summary, as `supplygraph check` prints it.
    fn summary(&self) -> String {
        model::summary::Summary::of(&self.inner).to_string()
    }

    /// An id for this loaded model: equal ids, the same model in memory (no reload).
    #[getter]
    fn handle(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }
}

/// How many models `load` has built in this process.
#[pyfunction]
fn load_count() -> usize {
    LOADS.load(Ordering::Relaxed)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(load_count, m)?)?;
    m.add_class::<Model>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
