//! The colour scale of a diagram: it spans the result's own range of values, so a what-if whose
//! losses stay under 20% still shades from light to deep; a result with signed values (a
//! difference between scenarios) gets a diverging scale, blue below zero and orange above.
//! Casts: colour channels are clamped to 0..=255, and decimals and hue sectors are small.
#![allow(clippy::cast_possible_truncation)]

/// A colour scale over `lo..=hi` (the result's own minimum and maximum).
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// What the fill shows (impact, exposure, loss, "difference in loss").
    pub name: String,
    pub lo: f64,
    pub hi: f64,
    /// Blue for negative values, orange for positive, white at zero.
    pub diverging: bool,
}

impl Scale {
    /// The scale for these values: their own minimum and maximum; diverging when `diverging`
    /// or when any value is negative. `None` when there is no finite value.
    pub fn of(name: &str, values: impl IntoIterator<Item = f64>, diverging: bool) -> Option<Scale> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for x in values.into_iter().filter(|x| x.is_finite()) {
            lo = lo.min(x);
            hi = hi.max(x);
        }
        (lo <= hi).then(|| Scale {
            name: name.to_string(),
            lo,
            hi,
            diverging: diverging || lo < 0.0,
        })
    }

    /// Where `x` lies on the scale: 0 (lightest) to 1 (deepest) for a sequential scale; -1 to 1
    /// (by magnitude against the larger end) for a diverging one.
    pub fn position(&self, x: f64) -> f64 {
        if self.diverging {
            let m = self.lo.abs().max(self.hi.abs());
            return if m > 0.0 {
                (x / m).clamp(-1.0, 1.0)
            } else {
                0.0
            };
        }
        let span = self.hi - self.lo;
        if span > 0.0 {
            ((x - self.lo) / span).clamp(0.0, 1.0)
        } else if x > 0.0 {
            1.0
        } else {
            0.0
        }
    }

    /// The fill colour of `x` as `#rrggbb`: white at zero (nothing to see), then from a light
    /// tint at the scale's low end to deep orange at its high end; blue for negative values on a
    /// diverging scale.
    pub fn fill(&self, x: f64) -> String {
        if x == 0.0 {
            return "#ffffff".into();
        }
        let t = self.position(x);
        let (hue, t) = if t < 0.0 { (0.58, -t) } else { (0.07, t) };
        // A non-zero value never comes out white: the lightest tint is 12% saturated.
        hsv(hue, 0.12 + 0.73 * t, 1.0 - 0.1 * t)
    }

    /// The values the legend shows a swatch for: five stops from `lo` to `hi` (or from `-m` to
    /// `m` on a diverging scale, `m` the larger magnitude).
    pub fn stops(&self) -> Vec<f64> {
        if self.diverging {
            let m = self.lo.abs().max(self.hi.abs());
            return if m == 0.0 {
                vec![0.0]
            } else {
                vec![-m, -m / 2.0, 0.0, m / 2.0, m]
            };
        }
        let (a, b) = (self.lo, self.hi);
        if a == b {
            return vec![a];
        }
        (0..5).map(|i| a + (b - a) * i as f64 / 4.0).collect()
    }

    /// The legend's sentence: what the fill shows and over which range.
    pub fn caption(&self) -> String {
        let r = short;
        if self.diverging {
            format!(
                "fill: {}, from {} to {} (this result's range); blue below zero, orange above",
                self.name,
                r(self.lo),
                r(self.hi)
            )
        } else {
            format!(
                "fill: {}, from {} (lightest) to {} (deepest): this result's own range",
                self.name,
                r(self.lo),
                r(self.hi)
            )
        }
    }
}

/// A legend figure: two significant digits, trailing zeros dropped (0.25, 0.0001, 12).
pub fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return crate::number::rounded(x);
    }
    let decimals = (1 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// An HSV colour (each part in 0..=1) as `#rrggbb`.
fn hsv(h: f64, s: f64, v: f64) -> String {
    let i = (h * 6.0).floor();
    let f = h * 6.0 - i;
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - f * s), v * (1.0 - (1.0 - f) * s));
    let (r, g, b) = match i as i64 % 6 {
        0 => (v, t, p),
        1 => (q, v, p),
        2 => (p, v, t),
        3 => (p, q, v),
        4 => (t, p, v),
        _ => (v, p, q),
    };
    let c = |x: f64| (x * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_range_still_spans_light_to_deep() {
        let s = Scale::of("loss", [0.0, 0.05, 0.18], false).unwrap();
        assert_eq!((s.lo, s.hi, s.diverging), (0.0, 0.18, false));
        assert_eq!(s.fill(0.0), "#ffffff");
        assert_eq!(s.position(0.18), 1.0);
        assert_eq!(s.fill(0.18), hsv(0.07, 0.85, 0.9));
        assert_ne!(s.fill(0.001), "#ffffff");
    }

    #[test]
    fn signed_values_diverge_around_zero() {
        let s = Scale::of("difference in loss", [-0.2, 0.1], false).unwrap();
        assert!(s.diverging);
        assert_eq!(s.position(-0.2), -1.0);
        assert_eq!(s.position(0.1), 0.5);
        assert_eq!(s.stops(), vec![-0.2, -0.1, 0.0, 0.1, 0.2]);
        // Blue below zero: more blue than red.
        let c = s.fill(-0.2);
        let r = u8::from_str_radix(&c[1..3], 16).unwrap();
        let b = u8::from_str_radix(&c[5..7], 16).unwrap();
        assert!(b > r, "{c}");
    }
}
