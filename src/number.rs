//! Numbers as text: exactly as stored, or rounded for reading. Below every layer (the model
//! quotes figures in its messages; `output` prints results with it and re-exports it).

/// A number exactly as stored (shortest form that reads back to the same value), with no
/// fraction for whole numbers: for data written out and for figures quoted in messages.
pub fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    format!("{x}")
}

/// A measure rounded for reading (4 decimals, trailing zeros dropped).
pub fn rounded(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}
