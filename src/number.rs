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

/// A fraction as a percentage for reading, one decimal (`97.3%`): exactly 0 and 1 read `0%` and
/// `100%`; a fraction that one decimal would show as `0.0%`, `100.0%` (or `-0.0%`) while it is
/// not, takes as many decimals as it needs to differ (`0.004%`, `99.996%`), and beyond six
/// decimals the scientific form (`3.1e-9%`): nothing but 0 reads `0%`, nothing but 1 reads
/// `100%`.
pub fn percent(x: f64) -> String {
    if x == 0.0 {
        return "0%".into();
    }
    if x == 1.0 {
        return "100%".into();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    let p = x * 100.0;
    for decimals in 1..=6 {
        let s = format!("{p:.decimals$}");
        let shown: f64 = s.parse().unwrap_or(p);
        if shown != 0.0 && shown.abs() != 100.0 {
            return format!("{s}%");
        }
    }
    if (p.abs() - 100.0).abs() < 1.0 {
        // Within a millionth of a percent of 100, yet not exactly 1.
        return format!("{}~100%", if p < 0.0 { "-" } else { "" });
    }
    format!("{p:.1e}%")
}

#[cfg(test)]
mod tests {
    use super::{percent, rounded};

    #[test]
    fn percentages_read_0_and_100_only_when_exact() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.973), "97.3%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(percent(0.00004), "0.004%");
        assert_eq!(percent(0.99996), "99.996%");
        assert_eq!(percent(-0.00004), "-0.004%");
        assert_eq!(percent(3.1e-11), "3.1e-9%");
        assert_eq!(percent(1.5), "150.0%");
        assert_eq!(percent(1.0 - 1e-12), "~100%");
    }

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
