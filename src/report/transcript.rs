//! Sample conversations as the customer saw them: what the bot sent (with
//! its buttons), what the customer tapped or typed, how the bot understood
//! it, and how it ended. A designer reads these to find out why the numbers
//! are what they are ("order" matched the wrong intent).

pub use crate::transcript::{Filter, Line, Speaker, Transcript};

/// `0:07`, `12:30`, `1:02:03`: a time since the conversation started.
pub(crate) fn clock(seconds: f64) -> String {
    let total = seconds.round() as u64;
    let (hours, minutes, seconds) = (total / 3600, (total / 60) % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// A transcript as plain lines of text, for the terminal and markdown.
pub(crate) fn lines(transcript: &Transcript) -> Vec<String> {
    // A simulated customer's first message has no text; a live one's does,
    // and is the first line.
    let opening = transcript
        .lines
        .first()
        .is_some_and(|line| line.speaker == Speaker::Customer && line.at == 0.0);
    let mut out = Vec::with_capacity(transcript.lines.len() + 2);
    if !opening {
        out.push(format!("{:>7}  customer  (writes to the bot)", clock(0.0)));
    }
    for line in &transcript.lines {
        let who = match line.speaker {
            Speaker::Customer => "customer",
            Speaker::Bot => "bot",
        };
        let text = if line.tapped {
            format!("[{}]", line.text)
        } else {
            line.text.replace('\n', " ")
        };
        let understood = line
            .understood_as
            .as_ref()
            .map(|how| format!("  → {how}"))
            .unwrap_or_default();
        out.push(format!(
            "{:>7}  {who:<8}  {text}{understood}",
            clock(line.at)
        ));
        if !line.options.is_empty() {
            let options: Vec<String> = line.options.iter().map(|o| format!("[{o}]")).collect();
            out.push(format!("{:>7}  {:<8}  {}", "", "", options.join(" ")));
        }
    }
    let reason = transcript
        .reason
        .map(|reason| format!(" ({})", reason.phrase()))
        .unwrap_or_default();
    // Live mode does not know the bot's nodes.
    let node = if transcript.node.is_empty() {
        String::new()
    } else {
        format!(" at `{}`", transcript.node)
    };
    out.push(format!(
        "{:>7}  ended: {}{node}{reason}",
        clock(transcript.ended),
        transcript.outcome.key().replace('_', " "),
    ));
    out
}

/// The heading of a transcript.
pub(crate) fn heading(number: usize, transcript: &Transcript) -> String {
    format!(
        "{number}. {}, \"{}\" (replication {}, conversation {})",
        transcript.persona,
        transcript.goal,
        transcript.replication + 1,
        transcript.conversation + 1
    )
}
