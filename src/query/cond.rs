//! Conditions of `nodes where ...`: compiled into a test on a node, with every field,
//! attribute, kind, stage, company, region and material named in them checked first.

use std::collections::BTreeSet;

use super::ast::*;
use super::error::{EvalError, ResolveError, Result};
use super::session::Session;
use crate::model::doc::Scalar;
use crate::model::graph::{Kind, Model};
use crate::suggest;

/// A compiled condition: whether a node satisfies it.
pub(super) type Test = Box<dyn Fn(&Model, u32) -> bool>;

/// Fields a condition may name besides attributes.
pub const FIELDS: &[&str] = &[
    "id", "name", "kind", "stage", "region", "company", "status", "material", "element",
];

impl Session<'_> {
    /// A condition as a test on a node; names in it are checked now, once.
    pub(super) fn compile_cond(&self, c: &Cond) -> Result<Test> {
        Ok(match c {
            Cond::Not(a) => {
                let a = self.compile_cond(a)?;
                Box::new(move |m, v| !a(m, v))
            }
            Cond::And(a, b) => {
                let (a, b) = (self.compile_cond(a)?, self.compile_cond(b)?);
                Box::new(move |m, v| a(m, v) && b(m, v))
            }
            Cond::Or(a, b) => {
                let (a, b) = (self.compile_cond(a)?, self.compile_cond(b)?);
                Box::new(move |m, v| a(m, v) || b(m, v))
            }
            Cond::Has(f) => {
                let key = self.attribute(f)?;
                Box::new(move |m, v| attr(m, v, &key).is_some())
            }
            Cond::Cmp { field, op, value } => self.compile_cmp(field, *op, value)?,
        })
    }

    fn attribute(&self, f: &Named) -> Result<String> {
        if self.vocab.attributes.contains(&f.text) || FIELDS.contains(&f.text.as_str()) {
            return Ok(f.text.clone());
        }
        let known: Vec<&str> = FIELDS
            .iter()
            .copied()
            .chain(self.vocab.attributes.iter().map(String::as_str))
            .collect();
        Err(self
            .err(f.span, ResolveError::UnknownField(f.text.clone()))
            .with_label_opt(suggest::hint(&f.text, known)))
    }

    fn compile_cmp(&self, field: &Named, op: Op, value: &Value) -> Result<Test> {
        let values: Vec<&Value> = match value {
            Value::List(vs, _) => vs.iter().collect(),
            v => vec![v],
        };
        let key = field.text.to_lowercase();
        let text_ops = [Op::Eq, Op::Ne, Op::In, Op::Contains];
        let needs_text = |ok: &[Op]| -> Result<()> {
            if ok.contains(&op) {
                Ok(())
            } else {
                Err(self
                    .err(
                        field.span,
                        ResolveError::BadComparison {
                            field: field.text.clone(),
                            op: op.as_str(),
                        },
                    )
                    .with_label(format!(
                        "use {}",
                        ok.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(", ")
                    )))
            }
        };
        let neg = op == Op::Ne;
        match key.as_str() {
            "kind" => {
                needs_text(&[Op::Eq, Op::Ne, Op::In])?;
                let mut kinds = Vec::new();
                for v in &values {
                    let t = text_of(v);
                    match Kind::parse(&t.to_lowercase()) {
                        Some(k) => kinds.push(k),
                        None => {
                            return Err(self
                                .err(v.span(), ResolveError::UnknownKind(t.clone()))
                                .with_label_opt(suggest::hint(
                                    &t,
                                    vec![
                                        "mine", "facility", "stage", "product", "end_use", "region",
                                    ],
                                )))
                        }
                    }
                }
                Ok(Box::new(move |m, v| {
                    kinds.contains(&m.entities.kind(v)) != neg
                }))
            }
            "stage" => {
                needs_text(&text_ops)?;
                let wanted = self.checked_texts(&values, op, &self.vocab.stages, "stage")?;
                Ok(text_test(op, wanted, |m, v| {
                    m.entity(v).stage.map(String::from)
                }))
            }
            "company" => {
                needs_text(&text_ops)?;
                let wanted = self.checked_texts(&values, op, &self.vocab.companies, "company")?;
                Ok(text_test(op, wanted, |m, v| {
                    m.entity(v).company.map(String::from)
                }))
            }
            "id" => {
                needs_text(&text_ops)?;
                let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                Ok(text_test(op, wanted, |m, v| {
                    Some(m.entity(v).id.to_string())
                }))
            }
            "name" => {
                needs_text(&text_ops)?;
                let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                Ok(text_test(op, wanted, |m, v| {
                    Some(m.entity(v).name.to_string())
                }))
            }
            "status" => {
                needs_text(&text_ops)?;
                let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                Ok(text_test(op, wanted, |m, v| {
                    let e = m.entity(v);
                    Some(
                        m.node_def(e.def)
                            .status
                            .clone()
                            .unwrap_or_else(|| "operating".into()),
                    )
                }))
            }
            "region" | "country" => {
                needs_text(&[Op::Eq, Op::Ne, Op::In])?;
                let mut regions = Vec::new();
                for v in &values {
                    let n = Named {
                        text: text_of(v),
                        span: v.span(),
                    };
                    let r = self.resolve(&n)?;
                    if self.model.entities.kind(r) != Kind::Region {
                        return Err(self.err(v.span(), ResolveError::NotARegion(n.text.clone())));
                    }
                    regions.push(r);
                }
                Ok(Box::new(move |m, v| {
                    regions.iter().any(|&r| m.is_within(v, r)) != neg
                }))
            }
            "material" | "element" => {
                needs_text(&[Op::Eq, Op::Ne, Op::In])?;
                let mut mats = Vec::new();
                for v in &values {
                    let t = text_of(v);
                    mats.extend(self.materials_named(&t, v.span())?);
                }
                let handles = self.nodes_handling(&mats);
                Ok(Box::new(move |_, v| {
                    handles.binary_search(&v).is_ok() != neg
                }))
            }
            _ => {
                let key = self.attribute(field)?;
                let Some(&v0) = values.first() else {
                    // The grammar gives every comparison a value.
                    return Err(self.err(
                        field.span,
                        EvalError::Internal(format!("`{}` is compared with nothing", field.text)),
                    ));
                };
                match v0 {
                    Value::Num(a) => {
                        if values.len() > 1 || op == Op::Contains || op == Op::In {
                            return Err(self.err(v0.span(), ResolveError::NotOneNumber));
                        }
                        let x = a.fraction();
                        Ok(Box::new(move |m, v| match attr(m, v, &key) {
                            Some(Scalar::Num(y)) => match op {
                                Op::Eq => y == x,
                                Op::Ne => y != x,
                                Op::Lt => y < x,
                                Op::Le => y <= x,
                                Op::Gt => y > x,
                                Op::Ge => y >= x,
                                _ => false,
                            },
                            _ => false,
                        }))
                    }
                    _ => {
                        needs_text(&text_ops)?;
                        let wanted: Vec<String> = values.iter().map(|v| text_of(v)).collect();
                        Ok(text_test(op, wanted, move |m, v| {
                            attr(m, v, &key).map(|s| s.to_string())
                        }))
                    }
                }
            }
        }
    }

    /// Texts compared with `=`/`in` must be known values of the field (did-you-mean if not).
    fn checked_texts(
        &self,
        values: &[&Value],
        op: Op,
        known: &BTreeSet<String>,
        what: &'static str,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for v in values {
            let t = text_of(v);
            if op != Op::Contains && !known.iter().any(|k| k.eq_ignore_ascii_case(&t)) {
                return Err(self
                    .err(
                        v.span(),
                        ResolveError::UnknownValue {
                            what,
                            value: t.clone(),
                        },
                    )
                    .with_label_opt(suggest::hint(
                        &t,
                        known.iter().map(String::as_str).collect(),
                    )));
            }
            out.push(t);
        }
        Ok(out)
    }

    /// Flow nodes with an input or output edge carrying one of `mats`, sorted.
    fn nodes_handling(&self, mats: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        for s in &self.model.supplies {
            if s.material().is_some_and(|k| mats.contains(&k)) {
                out.push(s.from);
                out.push(s.to);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Text(n) | Value::Word(n) => n.text.clone(),
        Value::Num(a) => a.to_string(),
        Value::List(..) => v.to_string(),
    }
}

fn text_test(
    op: Op,
    wanted: Vec<String>,
    get: impl Fn(&Model, u32) -> Option<String> + 'static,
) -> Test {
    let wanted: Vec<String> = wanted.into_iter().map(|w| w.to_lowercase()).collect();
    Box::new(move |m, v| {
        let Some(x) = get(m, v) else {
            return op == Op::Ne;
        };
        let x = x.to_lowercase();
        match op {
            Op::Contains => wanted.iter().any(|w| x.contains(w.as_str())),
            Op::Ne => !wanted.contains(&x),
            _ => wanted.contains(&x),
        }
    })
}

/// The value of a node's attribute (or declared figure) as the model uses it.
fn attr(m: &Model, v: u32, key: &str) -> Option<Scalar> {
    let e = m.entity(v);
    if !e.kind.is_flow() {
        return None;
    }
    let n = m.node_def(e.def);
    // A declared figure (`output`, `capacity`), else a free attribute.
    use crate::model::fields::Entity as _;
    if let Some(f) = crate::model::doc::NodeDef::field(key).filter(|f| f.is_figure()) {
        return n.figure(f).map(|f| f.used().value.clone());
    }
    n.attrs.get(key).map(|f| f.used().value.clone())
}
