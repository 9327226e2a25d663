//! Writing systems (scripts), for reading and typing speeds that differ by
//! script: a persona may read Latin text at 240 words a minute and Arabic at
//! 180 (`reading_wpm: {latin: 240, arabic: 180, other: 200}`, see
//! [`super::speed`]).
//!
//! How text is counted, once for reading and typing:
//!
//! - A word (text between white space) is in the script of its first letter;
//!   a character is in the script of the letter it is.
//! - What has no letter of its own — a word of digits, punctuation or emoji,
//!   a space, a digit, an accent written as a mark of its own — goes with the
//!   letters before it (the words of `رقم ٠٦١٢` are both Arabic, `Bonjour 👋`
//!   is Latin), or with the first letters after it at the start of a text.
//!   A text without a letter at all is counted under [`Script::Other`].
//!
//! So every word and character is counted exactly once: the counts add up
//! to the word count (or character count) a single speed uses.
//!
//! Bot messages are counted once, when the flow is loaded ([`super::flow::Text`]);
//! the engine adds up the counts of the messages a customer reads and never
//! looks at their text again.

/// A writing system a persona can read and type at a speed of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    /// The Latin alphabet, with its accented letters (French, English,
    /// Spanish, Turkish, Vietnamese...).
    Latin,
    /// Arabic, Persian and Urdu letters.
    Arabic,
    /// The Hebrew alphabet.
    Hebrew,
    /// The Cyrillic alphabet.
    Cyrillic,
    /// Devanagari (Hindi, Marathi, Nepali).
    Devanagari,
    /// Every other script, and text with no letters.
    Other,
}

impl Script {
    /// Every script, in the order files and messages list them.
    pub const ALL: [Script; 6] = [
        Script::Latin,
        Script::Arabic,
        Script::Hebrew,
        Script::Cyrillic,
        Script::Devanagari,
        Script::Other,
    ];

    /// The number of scripts.
    pub const COUNT: usize = Script::ALL.len();

    /// As written in persona files.
    pub fn key(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Arabic => "arabic",
            Script::Hebrew => "hebrew",
            Script::Cyrillic => "cyrillic",
            Script::Devanagari => "devanagari",
            Script::Other => "other",
        }
    }

    /// The script written `key`, if any.
    pub fn from_key(key: &str) -> Option<Script> {
        Script::ALL.into_iter().find(|script| script.key() == key)
    }

    /// Its place in [`Script::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The script of `c` when it is a letter; `None` for what has no script
    /// of its own (digits, punctuation, symbols, emoji, spaces, and marks
    /// that are not letters). Blocks as Unicode assigns them; a letter in no
    /// block below is [`Script::Other`].
    pub fn of_letter(c: char) -> Option<Script> {
        if !c.is_alphabetic() {
            return None;
        }
        Some(match u32::from(c) {
            // Basic Latin to Latin Extended-B, IPA, phonetic extensions,
            // Latin Extended Additional, -C, -D, -E, and full-width Latin.
            0x0000..=0x02AF
            | 0x1D00..=0x1DBF
            | 0x1E00..=0x1EFF
            | 0x2C60..=0x2C7F
            | 0xA720..=0xA7FF
            | 0xAB30..=0xAB6F
            | 0xFF21..=0xFF3A
            | 0xFF41..=0xFF5A => Script::Latin,
            // Arabic, its supplement and extended blocks, and the
            // presentation forms.
            0x0600..=0x06FF
            | 0x0750..=0x077F
            | 0x0870..=0x08FF
            | 0xFB50..=0xFDFF
            | 0xFE70..=0xFEFF => Script::Arabic,
            // Hebrew and its presentation forms.
            0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
            // Cyrillic, its supplement and extended blocks.
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                Script::Cyrillic
            }
            // Devanagari and Devanagari Extended.
            0x0900..=0x097F | 0xA8E0..=0xA8FF => Script::Devanagari,
            _ => Script::Other,
        })
    }
}

/// How many words (or characters) of a text are in each script, by the
/// rules of this module.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts([u32; Script::COUNT]);

impl ScriptCounts {
    /// Nothing to read.
    pub const NONE: ScriptCounts = ScriptCounts([0; Script::COUNT]);

    /// `count` of `script` and nothing else.
    pub fn only(script: Script, count: u32) -> ScriptCounts {
        let mut counts = ScriptCounts::NONE;
        counts.0[script.index()] = count;
        counts
    }

    /// The words of `text` (as `split_whitespace` splits it), each in the
    /// script of its first letter.
    pub fn words(text: &str) -> ScriptCounts {
        count(
            text.split_whitespace()
                .map(|word| word.chars().find_map(Script::of_letter)),
        )
    }

    /// The characters of `text` (Unicode scalar values), each in its own
    /// script when it is a letter.
    pub fn chars(text: &str) -> ScriptCounts {
        count(text.chars().map(Script::of_letter))
    }

    /// How many are in `script`.
    pub fn get(self, script: Script) -> u32 {
        self.0[script.index()]
    }

    /// How many in all: the word (or character) count of the text.
    pub fn total(self) -> u32 {
        self.0
            .iter()
            .fold(0, |sum, count| sum.saturating_add(*count))
    }

    /// These and `other` together, each count stopping at `u32::MAX`.
    pub fn plus(self, other: ScriptCounts) -> ScriptCounts {
        ScriptCounts(std::array::from_fn(|i| {
            self.0[i].saturating_add(other.0[i])
        }))
    }
}

/// Counts units (words or characters) given the script of each, `None` for
/// one without a letter: it goes with the script before it, or with the
/// first one after it, or with [`Script::Other`] when there is none.
fn count(units: impl Iterator<Item = Option<Script>>) -> ScriptCounts {
    let mut counts = ScriptCounts::NONE;
    let mut current: Option<Script> = None;
    // Units before the text's first letter, waiting for its script.
    let mut leading = 0u32;
    for script in units {
        match script.or(current) {
            Some(script) => {
                if current.is_none() {
                    counts.0[script.index()] = leading;
                }
                current = Some(script);
                counts.0[script.index()] = counts.0[script.index()].saturating_add(1);
            }
            None => leading = leading.saturating_add(1),
        }
    }
    if current.is_none() {
        counts.0[Script::Other.index()] = leading;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<(Script, u32)> {
        let counts = ScriptCounts::words(text);
        Script::ALL
            .into_iter()
            .map(|script| (script, counts.get(script)))
            .filter(|(_, count)| *count > 0)
            .collect()
    }

    #[test]
    fn a_word_is_in_the_script_of_its_first_letter() {
        use Script::*;
        assert_eq!(words("Réservez votre table"), [(Latin, 3)]);
        assert_eq!(words("مرحبا بكم"), [(Arabic, 2)]);
        assert_eq!(words("שלום עולם"), [(Hebrew, 2)]);
        assert_eq!(words("Привет мир"), [(Cyrillic, 2)]);
        assert_eq!(words("नमस्ते दुनिया"), [(Devanagari, 2)]);
        assert_eq!(words("こんにちは Γειά"), [(Other, 2)]);
        // Mixed words go by their first letter; "«Bonjour»" starts with one.
        assert_eq!(words("«Bonjour» SMSات"), [(Latin, 2)]);
    }

    #[test]
    fn words_without_letters_go_with_the_letters_before_them() {
        use Script::*;
        // The telecom bot's first message: the wave and the slash follow
        // Latin words.
        assert_eq!(
            words(
                "Bienvenue chez Atlas Télécom 👋\nمرحبا بكم في أطلس تيليكوم\n\nChoisissez votre langue / اختر لغتك"
            ),
            [(Latin, 9), (Arabic, 7)]
        );
        // A line number in Arabic-Indic digits after Arabic words is Arabic.
        assert_eq!(words("رقم خطك ٠٦١٢٣٤٥٦٧٨"), [(Arabic, 3)]);
        // At the start of a text, with the first letters after them.
        assert_eq!(words("1. Recharger 2. تعبئة"), [(Latin, 3), (Arabic, 1)]);
        // No letter at all: other.
        assert_eq!(words("👍 123 ?"), [(Other, 3)]);
        assert_eq!(words(""), []);
    }

    #[test]
    fn characters_are_counted_alike_and_add_up_to_the_text() {
        let text = "Je veux ٠٦ recharger, أريد 😊";
        let chars = ScriptCounts::chars(text);
        assert_eq!(chars.total() as usize, text.chars().count());
        // "Je veux ٠٦ recharger, " (22) is Latin; "أريد 😊" (6) Arabic.
        assert_eq!(chars.get(Script::Latin), 22);
        assert_eq!(chars.get(Script::Arabic), 6);
        // Marks that are not letters stay with theirs: "é" written as e and
        // a combining acute accent is two Latin characters.
        assert_eq!(
            ScriptCounts::chars("e\u{301}"),
            ScriptCounts::only(Script::Latin, 2)
        );
        assert_eq!(
            ScriptCounts::chars("0612"),
            ScriptCounts::only(Script::Other, 4)
        );
    }

    #[test]
    fn counts_add_up_per_script() {
        let a = ScriptCounts::words("Bonjour مرحبا بكم");
        let b = ScriptCounts::words("Merci");
        let sum = a.plus(b);
        assert_eq!(sum.get(Script::Latin), 2);
        assert_eq!(sum.get(Script::Arabic), 2);
        assert_eq!(sum.total(), 4);
        let full = ScriptCounts::only(Script::Latin, u32::MAX);
        assert_eq!(full.plus(full).get(Script::Latin), u32::MAX);
        assert_eq!(
            full.plus(ScriptCounts::only(Script::Other, 1)).total(),
            u32::MAX
        );
    }

    #[test]
    fn keys_name_every_script_once() {
        for script in Script::ALL {
            assert_eq!(Script::from_key(script.key()), Some(script));
            assert_eq!(Script::ALL[script.index()], script);
        }
        assert_eq!(Script::from_key("Latin"), None);
    }

    proptest! {
        /// What a single speed counts is what the scripts' counts add up to.
        #[test]
        fn every_word_and_character_is_counted_once(text in "\\PC{0,40}") {
            prop_assert_eq!(
                ScriptCounts::words(&text).total() as usize,
                text.split_whitespace().count()
            );
            prop_assert_eq!(
                ScriptCounts::chars(&text).total() as usize,
                text.chars().count()
            );
        }
    }
}
