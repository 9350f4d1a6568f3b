use super::Lang;
use crate::domain::time_range::paris_time;

/// Date and time in Europe/Paris: `26/11/2026 14:05` in French, `26 Nov 2026, 14:05` in English.
pub fn format_datetime(lang: Lang, epoch_ms: i64) -> String {
    let pattern = match lang {
        Lang::Fr => "%d/%m/%Y %H:%M",
        Lang::En => "%-d %b %Y, %H:%M",
    };
    paris_time(epoch_ms)
        .map(|time| time.format(pattern).to_string())
        .unwrap_or_default()
}

/// Time of day in Europe/Paris with seconds.
pub fn format_time(epoch_ms: i64) -> String {
    paris_time(epoch_ms)
        .map(|time| time.format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A percentage with one decimal: `99,5 %` in French, `99.5%` in English.
pub fn format_percent(lang: Lang, value: f64) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Fr => format!("{} %", text.replace('.', ",")),
        Lang::En => format!("{text}%"),
    }
}

/// A duration in seconds with one decimal: `12,3 s` / `12.3 s`.
pub fn format_duration_ms(lang: Lang, duration_ms: i64) -> String {
    let text = format!("{:.1}", duration_ms as f64 / 1000.0);
    match lang {
        Lang::Fr => format!("{} s", text.replace('.', ",")),
        Lang::En => format!("{text} s"),
    }
}

/// A span of time as days, hours and minutes (`3 j 04 h` / `3 d 04 h`, `2 h 05 min`,
/// `45 min`, `30 s`).
pub fn format_span_s(lang: Lang, seconds: i64) -> String {
    let day = match lang {
        Lang::Fr => "j",
        Lang::En => "d",
    };
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3_600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {:02} min", s / 3_600, (s % 3_600) / 60),
        s => format!("{} {day} {:02} h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// A whole number with its thousands grouped: `16 714 169` in French (narrow no-break
/// spaces), `16,714,169` in English.
pub fn format_count(lang: Lang, value: i64) -> String {
    let separator = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if value < 0 {
        grouped.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_paris_across_daylight_saving() {
        // 2026-03-29 is the spring-forward day: 00:30 UTC is 01:30 CET, 01:30 UTC is 03:30 CEST.
        let before = 1_774_744_200_000; // 2026-03-29T00:30:00Z
        let after = before + 3_600_000;
        assert_eq!(format_datetime(Lang::Fr, before), "29/03/2026 01:30");
        assert_eq!(format_datetime(Lang::Fr, after), "29/03/2026 03:30");
        assert_eq!(format_datetime(Lang::En, after), "29 Mar 2026, 03:30");
    }

    #[test]
    fn numbers_use_the_language_decimal_mark() {
        assert_eq!(format_percent(Lang::Fr, 99.54), "99,5 %");
        assert_eq!(format_percent(Lang::En, 99.54), "99.5%");
        assert_eq!(format_duration_ms(Lang::Fr, 12_340), "12,3 s");
    }

    #[test]
    fn spans_read_in_days_hours_and_minutes() {
        assert_eq!(format_span_s(Lang::Fr, 30), "30 s");
        assert_eq!(format_span_s(Lang::Fr, 2_700), "45 min");
        assert_eq!(format_span_s(Lang::Fr, 7_500), "2 h 05 min");
        assert_eq!(format_span_s(Lang::Fr, 3 * 86_400 + 4 * 3_600), "3 j 04 h");
        assert_eq!(format_span_s(Lang::En, 86_400), "1 d 00 h");
    }

    #[test]
    fn counts_group_their_thousands() {
        assert_eq!(
            format_count(Lang::Fr, 16_714_169),
            "16\u{202f}714\u{202f}169"
        );
        assert_eq!(format_count(Lang::En, 16_714_169), "16,714,169");
        assert_eq!(format_count(Lang::En, 999), "999");
        assert_eq!(format_count(Lang::En, 1_000), "1,000");
        assert_eq!(format_count(Lang::En, 0), "0");
        assert_eq!(format_count(Lang::En, -1_234_567), "-1,234,567");
        assert_eq!(
            format_count(Lang::En, i64::MIN),
            "-9,223,372,036,854,775,808"
        );
    }
}
