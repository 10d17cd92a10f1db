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

/// A measure rounded for reading: 4 decimals, trailing zeros dropped; a figure too small for 4
/// decimals in scientific form with 2 significant digits (`9.3e-6`), so that nothing but zero
/// ever reads `0`.
pub fn rounded(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if x.abs() < 0.00005 {
        return format!("{x:.1e}");
    }
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::rounded;

    #[test]
    fn only_zero_reads_zero() {
        assert_eq!(rounded(0.0), "0");
        assert_eq!(rounded(-0.0), "0");
        assert_eq!(rounded(0.97291), "0.9729");
        assert_eq!(rounded(0.5), "0.5");
        assert_eq!(rounded(1.0), "1");
        assert_eq!(rounded(0.00005), "0.0001");
        assert_eq!(rounded(0.0000093), "9.3e-6");
        assert_eq!(rounded(-0.0000093), "-9.3e-6");
        assert_eq!(rounded(1.2e-300), "1.2e-300");
    }
}
