//! How text customers type is compared with text a flow or persona wrote:
//! the one normalisation ("text key") behind intent keywords, titles typed
//! instead of tapped, persona answers found in a question, and live mode's
//! phrases. Both sides go through [`text_key`], so a rule here can never
//! make a keyword unreachable.
//!
//! The rules, in order (docs/src/languages.md states them with examples):
//!
//! 1. Compatibility decomposition (Unicode NFKD): full-width forms become
//!    their ordinary letters and digits (`ＡＢＣ１` is `abc1`), ligatures
//!    their letters (`ﬁ` is `fi`), and accented letters a base letter plus
//!    combining marks.
//! 2. Lower case (per character, as Unicode defines it).
//! 3. Diacritics dropped: the combining marks of the Latin, Greek and
//!    Cyrillic blocks (`réserver` is `reserver`), and Arabic harakat,
//!    shadda, sukun, superscript alef and Quranic marks. Marks that make a
//!    letter in other scripts (Devanagari vowel signs, Thai vowels) are kept:
//!    dropping them would make different words equal.
//! 4. Arabic letter variants: the hamza seats and madda on alef (أ إ آ, which
//!    NFKD splits into ا and a mark) and alef wasla ٱ become ا; ؤ becomes و and
//!    ئ becomes ي (their hamza is a dropped mark); ة becomes ه; ى and Persian
//!    ی become ي; Persian ک becomes ك; tatweel (ـ) is removed.
//! 5. Digits: Arabic-Indic (٠–٩), Persian (۰–۹) and Devanagari (०–९) digits
//!    become ASCII digits.
//! 6. Typographic quotes and dashes become ASCII (`’` is `'`, `–` is `-`),
//!    Greek final sigma is sigma, and invisible direction marks (LRM, RLM,
//!    ALM, bidi embeddings and isolates, BOM) are removed.
//! 7. White space: runs of white space (no-break spaces too) become one
//!    space, and none is left at either end.
//!
//! Regular expressions (regex intents, question patterns) do not see the
//! text key: they see the text as typed, case and accents kept, with only
//! its digits and full-width forms folded ([`pattern_form`]), so `[0-9]{4}`
//! accepts `١٢٣٤` and `[A-Z]` still means capitals.
//!
//! Speed: matching is on the simulation's hot path, and bundled flows are
//! ASCII. An ASCII string takes a fast path that gives the same key as the
//! full rules (lower case, backtick as apostrophe, white space collapsed,
//! trimmed) without decomposing anything.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// The form text is compared in: see the module's rules.
pub fn text_key(text: &str) -> String {
    if text.is_ascii() {
        return ascii_key(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().flat_map(char::to_lowercase) {
        let Some(c) = fold(c) else { continue };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    if out.is_ascii() {
        out
    } else {
        // Recompose what NFKD split and no rule removed (Hangul syllables,
        // Devanagari letters with their vowel signs), so a key reads as the
        // text it came from in messages.
        out.nfc().collect()
    }
}

/// The ASCII case of [`text_key`]: the same rules, none of which but case,
/// the backtick and white space touch ASCII.
fn ascii_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for byte in text.bytes() {
        if byte.is_ascii_whitespace() || byte == 0x0B {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(match byte {
            b'`' => '\'',
            byte => char::from(byte.to_ascii_lowercase()),
        });
    }
    out
}

/// One decomposed, lower-cased character under rules 3 to 6: `None` when it
/// is dropped.
fn fold(c: char) -> Option<char> {
    Some(match c {
        // Rule 3: combining diacritical marks (and their supplements and
        // extensions, and the combining half marks).
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}' => return None,
        // Rule 3: Arabic marks: Quranic signs, harakat to sukun with the
        // hamza and madda marks NFKD leaves, superscript alef, small high
        // Quranic marks.
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' => return None,
        // Rule 4: tatweel, and the letter variants.
        '\u{0640}' => return None,
        '\u{0671}' => '\u{0627}',
        '\u{0629}' => '\u{0647}',
        '\u{0649}' | '\u{06CC}' => '\u{064A}',
        '\u{06A9}' => '\u{0643}',
        // Rule 5: digits.
        '\u{0660}'..='\u{0669}' => ascii_digit(c, '\u{0660}'),
        '\u{06F0}'..='\u{06F9}' => ascii_digit(c, '\u{06F0}'),
        '\u{0966}'..='\u{096F}' => ascii_digit(c, '\u{0966}'),
        // Rule 6.
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{03C2}' => '\u{03C3}',
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => return None,
        // Rule 7 (NFKD already made most no-break spaces plain spaces).
        '\u{00A0}' | '\u{202F}' => ' ',
        c => c,
    })
}

/// The ASCII digit of `c`, in the run of ten digits starting at `zero`.
fn ascii_digit(c: char, zero: char) -> char {
    char::from(b'0' + (c as u32 - zero as u32) as u8)
}

/// What regular expressions see: the text as typed, with Arabic-Indic,
/// Persian and Devanagari digits as ASCII digits and full-width ASCII forms
/// (`Ａ１２`) as ASCII. Case, accents and letters are kept. Borrowed, at no
/// cost, when there is nothing to fold (any ASCII text).
pub fn pattern_form(text: &str) -> Cow<'_, str> {
    // Every character folded is outside ASCII; `is_ascii` is a word-at-a-time scan.
    if text.is_ascii() || text.chars().all(|c| fold_for_pattern(c) == c) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(fold_for_pattern).collect())
}

fn fold_for_pattern(c: char) -> char {
    match c {
        '\u{0660}'..='\u{0669}' => ascii_digit(c, '\u{0660}'),
        '\u{06F0}'..='\u{06F9}' => ascii_digit(c, '\u{06F0}'),
        '\u{0966}'..='\u{096F}' => ascii_digit(c, '\u{0966}'),
        // Full-width ASCII (U+FF01-U+FF5E) is ASCII shifted; the ideographic
        // space is a space.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accents_and_case_are_ignored() {
        for text in [
            "réserver",
            "reserver",
            "RÉSERVER",
            "Réserver ",
            "re\u{301}server",
        ] {
            assert_eq!(text_key(text), "reserver", "{text}");
        }
        assert_eq!(text_key("Ça coûte combien ?"), "ca coute combien ?");
        assert_eq!(text_key("ÑANDÚ Straße"), "nandu straße");
        assert_eq!(text_key("İstanbul"), "istanbul");
    }

    #[test]
    fn arabic_letter_variants_are_one_letter() {
        // Hamza seats and madda on alef, alef wasla.
        for text in ["أريد", "إريد", "آريد", "ٱريد", "اريد"] {
            assert_eq!(text_key(text), "اريد", "{text}");
        }
        // Teh marbuta and heh; alef maksura, Persian yeh and yeh.
        assert_eq!(text_key("فاتورة"), text_key("فاتوره"));
        assert_eq!(text_key("مستشفى"), text_key("مستشفي"));
        assert_eq!(text_key("مستشفی"), text_key("مستشفي"));
        // Harakat, shadda and tatweel.
        assert_eq!(text_key("مَوْعِدٌ"), "موعد");
        assert_eq!(text_key("مـــوعد"), "موعد");
        assert_eq!(text_key("شُكْراً"), text_key("شكرا"));
        assert_eq!(text_key("سؤال"), "سوال");
    }

    #[test]
    fn digits_of_every_script_are_ascii() {
        assert_eq!(text_key("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(text_key("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(text_key("०१२"), "012");
        assert_eq!(pattern_form("A٠١٢"), "A012");
        assert_eq!(pattern_form("Ａ１２ ok"), "A12 ok");
        assert!(matches!(pattern_form("A123 é"), Cow::Borrowed(_)));
        assert_eq!(pattern_form("Réserver"), "Réserver");
    }

    #[test]
    fn full_width_ligatures_quotes_and_spaces() {
        assert_eq!(text_key("ＡＢＣ１２３"), "abc123");
        assert_eq!(text_key("ﬁn"), "fin");
        assert_eq!(
            text_key("We’ll  \u{a0}connect\n you – now"),
            "we'll connect you - now"
        );
        assert_eq!(text_key("`ok`"), "'ok'");
        assert_eq!(text_key("  \t "), "");
    }

    #[test]
    fn direction_marks_are_invisible() {
        assert_eq!(text_key("\u{200F}نعم\u{200E}"), "نعم");
        assert_eq!(text_key("a\u{202E}bc\u{202C}"), "abc");
        assert_eq!(text_key("\u{2067}موعد\u{2069} 2"), "موعد 2");
    }

    #[test]
    fn letters_made_by_marks_are_kept() {
        // Devanagari vowel signs make different words: के is not क.
        assert_ne!(text_key("के"), text_key("क"));
        assert_eq!(text_key("नमस्ते"), "नमस्ते");
        // Hangul comes back composed.
        assert_eq!(text_key("안녕"), "안녕");
    }

    proptest! {
        /// The ASCII fast path gives what the full rules give.
        #[test]
        fn ascii_fast_path_agrees_with_the_full_rules(text in "[ -~\t\n\r]{0,40}") {
            // A non-ASCII character that every rule drops forces the slow
            // path on the same text.
            let slow = text_key(&format!("{text}\u{200E}"));
            prop_assert_eq!(text_key(&text), slow);
        }

        /// A key is its own key: normalising twice changes nothing.
        #[test]
        fn keys_are_fixed_points(text in "\\PC{0,30}") {
            let key = text_key(&text);
            prop_assert_eq!(text_key(&key), key.clone());
        }
    }
}
