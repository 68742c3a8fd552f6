//! Charts drawn on the server as SVG: no script, no library, readable by
//! screen readers through their title, and always beside a table with the
//! same numbers.

use std::fmt::Write;

/// One bar: its label and value.
pub struct Bar {
    pub label: String,
    pub value: i64,
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars, the longest the largest value; `title` names the chart
/// for assistive technology.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    const ROW: usize = 28;
    const LABEL: usize = 260;
    const WIDTH: usize = 640;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * bars.len().max(1) + 8;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
    let room = WIDTH - LABEL - 60;
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let length = usize::try_from(bar.value.max(0)).unwrap_or(0) * room
            / usize::try_from(max).unwrap_or(1);
        let label: String = bar.label.chars().take(36).collect();
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="label">{label}</text><rect x="{LABEL}" y="{y}" width="{length}" height="{h}" class="bar"/><text x="{vx}" y="{ty}" class="value">{value}</text>"#,
            x = LABEL - 8,
            ty = y + 15,
            label = escape(&label),
            h = ROW - 8,
            vx = LABEL + length + 6,
            value = bar.value,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::{Bar, bars};

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars(
            "Сообщения <по> категориям",
            &[
                Bar {
                    label: "Дороги & мосты".into(),
                    value: 10,
                },
                Bar {
                    label: "Свет".into(),
                    value: 5,
                },
            ],
        );
        assert!(svg.contains("<title>Сообщения &lt;по&gt; категориям</title>"));
        assert!(svg.contains("Дороги &amp; мосты"));
        assert!(svg.contains(r#"width="320""#) && svg.contains(r#"width="160""#));
        assert!(bars("Пусто", &[]).starts_with("<svg"));
    }
}
