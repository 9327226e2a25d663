//! Numbers as people read them on the page: percentages, percentage points,
//! durations and counts. Every function rounds to a fixed precision, so the
//! same value always prints the same way, on every platform.

/// A fraction as a percentage with one decimal: `0.6123` → `61.2%`.
/// Anything that is not a finite number prints as `–`.
pub fn percent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "–".to_string();
    }
    format!("{}%", fixed(fraction * 100.0, 1))
}

/// A difference of two fractions in percentage points, always signed:
/// `0.021` → `+2.1 pp`, `-0.015` → `−1.5 pp`, `0` → `±0.0 pp`.
pub fn percentage_points(difference: f64) -> String {
    if !difference.is_finite() {
        return "–".to_string();
    }
    format!("{} pp", signed(difference * 100.0, 1))
}

/// A signed number with a fixed number of decimals, with a typographic
/// minus and `±` for zero: `signed(2.0, 1)` → `+2.0`.
pub fn signed(value: f64, decimals: usize) -> String {
    let text = fixed(value.abs(), decimals);
    if text.trim_start_matches(['0', '.']).is_empty() {
        format!("±{text}")
    } else if value < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// A duration in seconds, in the largest unit that keeps it short, without
/// trailing zeros: `850ms`, `1.25s`, `2.4s`, `12.3s`, `30s`, `4m 05s`, `12m`,
/// `2h 05m`, `1h`, `3d 04h`. Round values print round, so axis ticks need no
/// format of their own.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".to_string();
    }
    // Round to whole milliseconds first so that 59.9996 s prints as `1m`,
    // not `60.0s`.
    let millis = (seconds * 1000.0).round();
    if millis < 1000.0 {
        format!("{millis:.0}ms")
    } else if millis < 9_995.0 {
        format!("{}s", trim_zeros(fixed(millis / 1000.0, 2)))
    } else if millis < 59_950.0 {
        format!("{}s", trim_zeros(fixed(millis / 1000.0, 1)))
    } else {
        let whole = (millis / 1000.0).round() as u64;
        let (minutes, hours, days) = (whole / 60, whole / 3600, whole / 86_400);
        let (big, unit, small, small_unit) = if hours == 0 {
            (minutes, "m", whole % 60, "s")
        } else if days == 0 {
            (hours, "h", minutes % 60, "m")
        } else {
            (days, "d", hours % 24, "h")
        };
        if small == 0 {
            format!("{big}{unit}")
        } else {
            format!("{big}{unit} {small:02}{small_unit}")
        }
    }
}

/// `1.20` → `1.2`, `1.00` → `1`.
fn trim_zeros(number: String) -> String {
    if number.contains('.') {
        number
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        number
    }
}

/// `text` with its first letter in upper case, to start a sentence
/// (`partial report: …` → `Partial report: …`).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A count with thousands separators: `20000` → `20,000`.
pub fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `value` with exactly `decimals` decimals; `-0.0` prints as `0.0` and a
/// value that is not finite as `0`.
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text[1..].trim_start_matches(['0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(percent(0.6123), "61.2%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(-0.0), "0.0%");
        assert_eq!(percent(f64::NAN), "–");
    }

    #[test]
    fn percentage_points_are_signed() {
        assert_eq!(percentage_points(0.021), "+2.1 pp");
        assert_eq!(percentage_points(-0.015), "−1.5 pp");
        assert_eq!(percentage_points(-0.0001), "±0.0 pp");
    }

    #[test]
    fn durations_use_the_largest_short_unit() {
        assert_eq!(duration(0.0), "0ms");
        assert_eq!(duration(0.85), "850ms");
        assert_eq!(duration(0.9996), "1s");
        assert_eq!(duration(1.25), "1.25s");
        assert_eq!(duration(2.4), "2.4s");
        assert_eq!(duration(12.34), "12.3s");
        assert_eq!(duration(30.0), "30s");
        assert_eq!(duration(59.9996), "1m");
        assert_eq!(duration(245.0), "4m 05s");
        assert_eq!(duration(720.0), "12m");
        assert_eq!(duration(3600.0), "1h");
        assert_eq!(duration(7500.0), "2h 05m");
        assert_eq!(duration(273_600.0), "3d 04h");
        assert_eq!(duration(172_800.0), "2d");
        assert_eq!(duration(-1.0), "–");
    }

    #[test]
    fn sentences_start_with_a_capital() {
        assert_eq!(capitalised("partial report: x"), "Partial report: x");
        assert_eq!(capitalised("élan"), "Élan");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
