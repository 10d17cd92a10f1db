//! A session: the model, `let` variables, named scenarios and the what-if in force; it runs
//! statements one at a time. Names are resolved in `resolve`, sets evaluated in `sets`, measures
//! run in `eval`, and results laid out as tables in `tabulate`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::ast::*;
use super::error::{Error, ErrorKind, EvalError, Result};
use super::outcome::{Diagram, Outcome};
use super::resolve::Vocabulary;
use super::sets::Vars;
use crate::analysis::propagate::{Disruption, Propagator};
use crate::analysis::scenario::Effects;
use crate::cancel::Cancel;
use crate::diag::{Problem, SourceText};
use crate::model::graph::Model;

/// A named scenario: its clauses, resolved when defined.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub text: String,
    pub effects: Effects,
}

pub struct Session<'m> {
    pub model: &'m Model,
    pub(super) vars: Vars,
    pub scenarios: BTreeMap<String, Scenario>,
    pub(super) vocab: Vocabulary,
    pub(super) prop: Propagator<'m>,
    /// The what-if in force (inside `with ...:`).
    pub(super) effects: Effects,
    /// Set (by a Ctrl-C handler, say) to stop the statement under way.
    pub(super) cancel: Cancel,
    /// The shortfall program's figures, read from the model's on first use.
    pub(super) lp_figs: std::sync::OnceLock<Arc<crate::analysis::shortfall::Figures>>,
    /// The statement under way is to be drawn (`diagram`, `supplygraph diagram`): results of
    /// concentration come as every group's share, for a bar chart.
    pub drawing: bool,
    /// The operating shares of one draw of the uncertain figures (docs/semantics.md §9), in
    /// place of the model's, while `with uncertainty` runs its statement.
    pub(super) draw_shares: Option<Arc<Vec<f64>>>,
}

impl<'m> Session<'m> {
    /// A session on a model, with the model's own scenarios defined. A scenario of the model
    /// that does not parse or resolve is returned as a problem (and left out).
    pub fn new(model: &'m Model) -> (Session<'m>, Vec<Problem>) {
        Session::with_cancel(model, Cancel::new())
    }

    /// A session whose statements stop early when `cancel` is set (see `Session::run`).
    pub fn with_cancel(model: &'m Model, cancel: Cancel) -> (Session<'m>, Vec<Problem>) {
        let mut s = Session {
            model,
            vars: HashMap::new(),
            scenarios: BTreeMap::new(),
            vocab: Vocabulary::of(model),
            prop: Propagator::new(&model.net, cancel.clone()),
            effects: Effects::default(),
            cancel,
            lp_figs: std::sync::OnceLock::new(),
            drawing: false,
            draw_shares: None,
        };
        let mut problems = Vec::new();
        for sc in &model.doc.scenario {
            let name = format!("scenario \"{}\"", sc.id.text);
            let file = Arc::new(SourceText::new(name, sc.with.text.clone()));
            match super::parse::parse_clauses(&file) {
                Ok(clauses) => match s.resolve_clauses(&clauses) {
                    Ok(effects) => {
                        s.scenarios.insert(
                            sc.id.text.to_lowercase(),
                            Scenario {
                                name: sc.id.text.clone(),
                                text: sc.with.text.clone(),
                                effects,
                            },
                        );
                    }
                    Err(e) => problems.push(e.diagnostic(&file)),
                },
                Err(p) => problems.push(p),
            }
        }
        (s, problems)
    }

    /// Variables in scope, by name, with their sizes.
    pub fn variables(&self) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = self
            .vars
            .iter()
            .map(|(k, s)| (k.clone(), s.len()))
            .collect();
        v.sort();
        v
    }

    /// An error at `span` of the statement being run.
    pub(super) fn err(&self, span: Span, kind: impl Into<ErrorKind>) -> Error {
        Error::new(span, kind)
    }

    /// Runs one statement read from `file`. When the session's cancellation token is set while
    /// it runs (Ctrl-C in the shell), its result is discarded.
    pub fn run(
        &mut self,
        file: &Arc<SourceText>,
        st: &Statement,
    ) -> std::result::Result<Outcome, Problem> {
        self.cancel.reset();
        self.check_names(st).map_err(|e| e.diagnostic(file))?;
        let out = self.statement(st);
        if self.cancel.is_cancelled() {
            self.cancel.reset();
            return Err(self.err(st.span, EvalError::Interrupted).diagnostic(file));
        }
        out.map_err(|e| e.diagnostic(file))
    }

    /// Edge shares under the what-if in force: the model's own unless planned capacity runs
    /// (borrowed then, so that no statement copies them).
    pub(crate) fn current_shares(&self) -> std::borrow::Cow<'m, [f64]> {
        let base: &[f64] = match &self.draw_shares {
            Some(d) => d,
            None => &self.model.net.in_share,
        };
        if self.effects.planned.is_empty() {
            match &self.draw_shares {
                Some(d) => std::borrow::Cow::Owned(d.to_vec()),
                None => std::borrow::Cow::Borrowed(&self.model.net.in_share),
            }
        } else {
            std::borrow::Cow::Owned(crate::analysis::scenario::planned_shares_on(
                &self.model.net,
                base,
                &self.effects.planned,
            ))
        }
    }

    pub(super) fn disruption(&self) -> Disruption {
        self.effects
            .disruption_on(&self.model.net, self.draw_shares.as_ref())
    }

    /// A session on the same model with the same variables, scenarios and what-if in force,
    /// and a propagator of its own (one per thread drawing the uncertain figures).
    pub(super) fn fork(&self) -> Session<'m> {
        Session {
            model: self.model,
            vars: self.vars.clone(),
            scenarios: self.scenarios.clone(),
            vocab: self.vocab.clone(),
            // One fork a thread: its sweeps keep to it.
            prop: Propagator::new(&self.model.net, self.cancel.clone()).on_one_core(),
            effects: self.effects.clone(),
            cancel: self.cancel.clone(),
            lp_figs: std::sync::OnceLock::new(),
            drawing: self.drawing,
            draw_shares: self.draw_shares.clone(),
        }
    }

    pub(super) fn title(&self, st: &Stmt) -> String {
        st.to_string()
    }

    pub(super) fn statement(&mut self, st: &Statement) -> Result<Outcome> {
        match &st.stmt {
            Stmt::Refine { body, ops } => {
                let Outcome::Table(t) = self.statement(body)? else {
                    return Err(self.err(body.span, EvalError::NoTable));
                };
                let mut t = self.refine(t, ops)?;
                t.title = st.stmt.to_string();
                self.draw_kept_rows(&mut t, ops);
                Ok(Outcome::Table(t))
            }
            Stmt::LetResult { name, body } => {
                let Outcome::Table(t) = self.statement(body)? else {
                    return Err(self.err(body.span, EvalError::NoTable));
                };
                let v = self.result_nodes(&t, body.span)?;
                let n = v.len();
                self.vars.insert(name.text.to_lowercase(), v);
                Ok(Outcome::Message(format!(
                    "let {} = {} node{} (the result's id column)",
                    name.text,
                    n,
                    plural(n)
                )))
            }
            Stmt::Compare { cases, body } => self.compare(st, cases, body),
            Stmt::Diagram {
                body,
                file,
                written: written @ Written::Export(_),
            } => {
                // The result as `:save` writes it: the table of the statement as it reads.
                let Outcome::Table(table) = self.statement(body)? else {
                    return Err(self.err(body.span, EvalError::NothingToDraw));
                };
                Ok(Outcome::Diagram(Diagram {
                    table,
                    path: file.text.clone(),
                    span: file.span,
                    limit: None,
                    diverging: false,
                    written: written.clone(),
                }))
            }
            Stmt::Diagram { body, file, .. } => {
                // `diagram loss of X limit 10 to F`: the limit bounds what is drawn, with the
                // caption saying how many were left out, rather than cutting the table first.
                let (body, limit) = match split_trailing_limit(body) {
                    Some((b, n)) => (std::borrow::Cow::Owned(b), Some(n)),
                    None => (std::borrow::Cow::Borrowed(&**body), None),
                };
                let drawing = std::mem::replace(&mut self.drawing, true);
                let out = self.statement(&body);
                self.drawing = drawing;
                let Outcome::Table(t) = out? else {
                    return Err(self.err(body.span, EvalError::NothingToDraw));
                };
                Ok(Outcome::Diagram(Diagram {
                    table: t,
                    path: file.text.clone(),
                    span: file.span,
                    limit: limit
                        .or_else(|| drawn_limit(&body.stmt))
                        .map(|n| n as usize),
                    diverging: is_compare(&body.stmt),
                    written: Written::Drawing,
                }))
            }
            Stmt::With { clauses, body } => {
                let effects = self.resolve_clauses(clauses)?;
                self.check_names(body)?;
                let saved = self.effects.clone();
                self.effects.extend(&effects);
                let out = self.statement(body);
                self.effects = saved;
                let mut out = out?;
                if let Outcome::Table(t) = &mut out {
                    t.title = st.stmt.to_string();
                    t.notes
                        .extend(super::shortfall::as_of_notes(self.model, clauses));
                    if let Some(g) = &mut t.graph {
                        // Named scenarios are spelt out, so a picture says what was assumed.
                        let text: Vec<String> = clauses
                            .iter()
                            .map(|c| match c {
                                Clause::Scenario(n) => {
                                    match self.scenarios.get(&n.text.to_lowercase()) {
                                        Some(sc) => format!("{} ({})", sc.name, sc.text),
                                        None => c.to_string(),
                                    }
                                }
                                other => other.to_string(),
                            })
                            .collect();
                        g.scenario = Some(text.join(", "));
                    }
                }
                Ok(out)
            }
            Stmt::Let { name, set } => {
                let v = self.eval_set(set)?;
                let n = v.len();
                self.vars.insert(name.text.to_lowercase(), v);
                Ok(Outcome::Message(format!(
                    "let {} = {} node{}",
                    name.text,
                    n,
                    plural(n)
                )))
            }
            Stmt::Scenario { name, clauses } => {
                let effects = self.resolve_clauses(clauses)?;
                let text = clauses
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.scenarios.insert(
                    name.text.to_lowercase(),
                    Scenario {
                        name: name.text.clone(),
                        text,
                        effects,
                    },
                );
                Ok(Outcome::Message(format!("scenario {} defined", name.text)))
            }
            Stmt::Exposure { targets, sources } => self.exposure(st, targets, sources),
            Stmt::Loss(targets) => self.loss(st, targets),
            Stmt::Explain {
                targets,
                sources,
                limit,
            } => self.explain(st, targets, sources, *limit),
            Stmt::Chokepoints { target, by, limit } => self.chokepoints(st, target, *by, *limit),
            Stmt::Concentration {
                target,
                by,
                stage,
                material,
            } => self.concentration(st, target, *by, stage.as_ref(), material.as_ref()),
            Stmt::Origin {
                material,
                target,
                by,
            } => self.origin(st, material, target, *by),
            Stmt::Paths { from, to, limit } => self.paths(st, from, to, *limit),
            Stmt::Total {
                attribute,
                set,
                by,
                concentration,
            } => self.total(st, attribute, set, *by, *concentration),
            Stmt::Shortfall { targets, explain } => self.shortfall(st, targets, *explain),
            Stmt::Show(set) => self.show(st, set),
            Stmt::ShowModel => Ok(Outcome::Table(super::tabulate::model_figures(
                self.model,
                self.title(&st.stmt),
            ))),
            Stmt::List(set) => self.list(st, set),
            Stmt::Uncertain { runs, seed, body } => self.uncertain(st, *runs, *seed, body),
            Stmt::Sensitivity { target, sources } => self.sensitivity(st, target, sources),
        }
    }
}

/// A comparison, under any `with` or result operations: its diagram shades by a difference.
fn is_compare(s: &Stmt) -> bool {
    match s {
        Stmt::Compare { .. } => true,
        Stmt::With { body, .. } | Stmt::Refine { body, .. } => is_compare(&body.stmt),
        _ => false,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The row limit of a statement whose rows are its nodes (`chokepoints ... limit N`, `explain
/// ... limit N`), which a diagram of it draws as its node limit.
impl Session<'_> {
    /// After `where` or `limit` on a result with an `id` column, its picture holds the nodes
    /// of the rows kept (and, for a measure drawn with its cone, what feeds them), not every
    /// node of the unfiltered result.
    fn draw_kept_rows(&self, t: &mut crate::output::Table, ops: &[ResultOp]) {
        let cuts = ops
            .iter()
            .any(|o| matches!(o, ResultOp::Where(_) | ResultOp::Limit(_)));
        let Some(id) = t.columns.iter().position(|c| c == "id") else {
            return;
        };
        let Some(g) = t.graph.as_mut().filter(|_| cuts) else {
            return;
        };
        let kept: std::collections::HashSet<&str> = t
            .rows
            .iter()
            .filter_map(|r| match &r[id] {
                crate::output::Cell::Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let m = self.model;
        g.nodes.retain(|&v| kept.contains(m.entity(v).id));
        g.critical.retain(|&v| kept.contains(m.entity(v).id));
    }
}

/// A statement whose result ops end in `limit N` (under any `with`): the statement without
/// it, and N.
fn split_trailing_limit(st: &Statement) -> Option<(Statement, u32)> {
    let (stmt, n) = match &st.stmt {
        Stmt::With { clauses, body } => {
            let (inner, n) = split_trailing_limit(body)?;
            let stmt = Stmt::With {
                clauses: clauses.clone(),
                body: Box::new(inner),
            };
            (stmt, n)
        }
        Stmt::Uncertain { runs, seed, body } => {
            let (inner, n) = split_trailing_limit(body)?;
            let stmt = Stmt::Uncertain {
                runs: *runs,
                seed: *seed,
                body: Box::new(inner),
            };
            (stmt, n)
        }
        Stmt::Refine { body, ops } => {
            let (Some(ResultOp::Limit(n)), rest) =
                (ops.last(), &ops[..ops.len().saturating_sub(1)])
            else {
                return None;
            };
            if rest.is_empty() {
                return Some(((**body).clone(), *n));
            }
            let stmt = Stmt::Refine {
                body: body.clone(),
                ops: rest.to_vec(),
            };
            (stmt, *n)
        }
        _ => return None,
    };
    Some((
        Statement {
            stmt,
            span: st.span,
        },
        n,
    ))
}

fn drawn_limit(st: &Stmt) -> Option<u32> {
    match st {
        Stmt::Chokepoints {
            limit, by: None, ..
        }
        | Stmt::Explain { limit, .. } => *limit,
        Stmt::With { body, .. } | Stmt::Refine { body, .. } | Stmt::Uncertain { body, .. } => {
            drawn_limit(&body.stmt)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::ErrorCode;

    fn run(text: &str) -> std::result::Result<Outcome, Problem> {
        let (m, _) = crate::model::load_builtin().build();
        let m = m.expect("the built-in model is valid");
        let (mut s, _) = Session::new(&m);
        let st = super::super::parse::parse_one(text)?;
        s.run(&Arc::new(SourceText::new("<t>", text)), &st)
    }

    #[test]
    fn names_are_checked_before_any_measure_runs() {
        // `upstream of "Catalysts"` would be evaluated first; the unknown name is found first.
        let p = run(r#"exposure of upstream of "Catalysts" to "Baotuo""#).unwrap_err();
        assert_eq!(p.code, Some(ErrorCode(101)));
        assert!(p.message.starts_with("unknown node or region"));
    }

    #[test]
    fn evaluation_errors_carry_their_code() {
        // Concentration is per target (chokepoints take several).
        let p = run(r#"concentration of nodes by country"#).unwrap_err();
        assert_eq!(p.code, Some(ErrorCode(202)), "{p}");
    }

    #[test]
    fn a_diagram_is_returned_to_draw_not_written() {
        let path = "no-such-dir-supplygraph/diagram.dot";
        let out = run(&format!(r#"diagram loss of "Catalysts" to "{path}""#));
        let Ok(Outcome::Diagram(d)) = out else {
            panic!("a diagram to draw: {out:?}")
        };
        assert_eq!(d.path, path);
        assert!(d.table.graph.is_some());
        assert!(!std::path::Path::new(path).exists());
    }

    #[test]
    fn a_token_set_before_a_run_is_cleared_by_it() {
        let (m, _) = crate::model::load_builtin().build();
        let m = m.expect("the built-in model is valid");
        let cancel = Cancel::new();
        let (mut s, _) = Session::with_cancel(&m, cancel.clone());
        let text = r#"chokepoints of "Catalysts""#;
        let st = super::super::parse::parse_one(text).expect("parses");
        let file = Arc::new(SourceText::new("<t>", text));
        assert!(s.run(&file, &st).is_ok());
        // A token set before a run is cleared by it: only a request during the run counts.
        cancel.cancel();
        assert!(s.run(&file, &st).is_ok());
    }

    #[test]
    fn a_cancelled_token_stops_the_analyses() {
        let (m, _) = crate::model::load_builtin().build();
        let m = m.expect("the built-in model is valid");
        let target = m.find("Catalysts").expect("a node of the built-in model");
        let cancel = Cancel::new();
        let mut prop = Propagator::new(&m.net, cancel.clone());
        let base = Disruption::default();
        let order = |v: u32| m.entity(v).id.to_string();
        let all =
            crate::analysis::chokepoints::chokepoints(&m.net, &mut prop, &base, target, order);
        assert!(!all.is_empty());
        cancel.cancel();
        let none =
            crate::analysis::chokepoints::chokepoints(&m.net, &mut prop, &base, target, order);
        assert!(none.is_empty());
    }
}
