//! What a customer sends that is not text or a tap: images, voice notes,
//! locations, stickers and reactions, named as WhatsApp names their message
//! types (`image`, `audio`, `location`, `sticker`, `reaction`).
//!
//! Three places meet here, so the kinds are defined once:
//!
//! - a persona sends them with a chance per prompt (`behaviour.sends`,
//!   [`Sends`]), drawn from the customer's own stream;
//! - a flow routes them at a node that waits for the customer (`on_media`,
//!   [`crate::model::flow::MediaRoutes`]); what it does not route falls to
//!   the node's fallback, except a reaction, which the bot ignores;
//! - the funnel counts them per node, and live mode sends them as webhooks.
//!
//! ```yaml
//! # personas
//! behaviour:
//!   sends: {audio: 0.05, image: 0.02, location: 0.01, sticker: 0.01, reaction: 0.01}
//! # flow
//! nodes:
//!   menu:
//!     say: "What can we do for you?"
//!     buttons: ["Track order", "Returns"]
//!     routes: {"Track order": track, "Returns": returns, fallback: menu}
//!     on_media: {audio: voice_help, any: menu}
//! ```

use indexmap::IndexMap;
use rand::RngExt;

use super::Probability;
use crate::random::Draws;

/// A kind of message a customer sends instead of text or a tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MediaKind {
    /// A photo (`image`).
    Image,
    /// A voice note (`audio` with `voice: true`).
    Audio,
    /// A shared location.
    Location,
    /// A sticker.
    Sticker,
    /// An emoji reaction to the bot's last message.
    Reaction,
}

impl MediaKind {
    /// Every kind, in the order a persona's chances are drawn and the
    /// report lists them.
    pub const ALL: [MediaKind; 5] = [
        MediaKind::Image,
        MediaKind::Audio,
        MediaKind::Location,
        MediaKind::Sticker,
        MediaKind::Reaction,
    ];

    /// The number of kinds.
    pub const COUNT: usize = MediaKind::ALL.len();

    /// As written in files and reports: WhatsApp's message `type`.
    pub fn key(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Audio => "audio",
            MediaKind::Location => "location",
            MediaKind::Sticker => "sticker",
            MediaKind::Reaction => "reaction",
        }
    }

    /// The kind written `key`, if any.
    pub fn from_key(key: &str) -> Option<MediaKind> {
        MediaKind::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// Its place in [`MediaKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether `any:` in a flow's `on_media` covers it: every kind but a
    /// reaction, which is no message of its own but a mark on the bot's
    /// (a flow routes reactions only by naming them).
    pub fn in_any(self) -> bool {
        self != MediaKind::Reaction
    }
}

/// What to say after "`key` is no kind of message a customer sends": the
/// kind meant, when `key` is near one (or `also`) or names a voice note.
pub(crate) fn did_you_mean(key: &str, also: &[&'static str]) -> String {
    let normal = key.trim().to_lowercase().replace([' ', '-'], "_");
    if matches!(
        normal.as_str(),
        "voice" | "voice_note" | "voice_notes" | "voicenote"
    ) {
        return " (a voice note is `audio`)".to_string();
    }
    crate::text::did_you_mean(
        key,
        MediaKind::ALL
            .map(MediaKind::key)
            .into_iter()
            .chain(also.iter().copied()),
    )
}

/// The emoji a simulated customer reacts with: WhatsApp's six quick
/// reactions, one drawn uniformly.
pub const REACTIONS: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

/// How long a simulated voice note lasts, in whole seconds, drawn uniformly:
/// a short spoken request. Recording it takes as long, before it is sent.
pub const VOICE_NOTE_SECONDS: std::ops::RangeInclusive<u32> = 3..=40;

/// One message a customer sends instead of text or a tap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Media {
    /// A photo, without a caption.
    Image,
    /// A voice note.
    Audio {
        /// How long it lasts.
        seconds: u32,
    },
    /// A shared location.
    Location {
        /// Degrees north.
        latitude: f64,
        /// Degrees east.
        longitude: f64,
    },
    /// A sticker.
    Sticker,
    /// A reaction to the bot's last message.
    Reaction {
        /// The emoji.
        emoji: &'static str,
    },
}

impl Media {
    /// Its kind.
    pub fn kind(self) -> MediaKind {
        match self {
            Media::Image => MediaKind::Image,
            Media::Audio { .. } => MediaKind::Audio,
            Media::Location { .. } => MediaKind::Location,
            Media::Sticker => MediaKind::Sticker,
            Media::Reaction { .. } => MediaKind::Reaction,
        }
    }

    /// How a transcript shows it: `[voice note 0:12]`, `[image]`,
    /// `[reaction 👍]`.
    pub fn shown(self) -> String {
        match self {
            Media::Audio { seconds } => {
                format!("[voice note {}:{:02}]", seconds / 60, seconds % 60)
            }
            Media::Reaction { emoji } => format!("[reaction {emoji}]"),
            other => format!("[{}]", other.kind().key()),
        }
    }

    /// How long the customer takes to make it once they decided to:
    /// recording a voice note takes its length; the rest is a tap or two.
    pub fn making(self) -> super::Millis {
        match self {
            Media::Audio { seconds } => super::Millis(u64::from(seconds) * 1_000),
            _ => super::Millis::ZERO,
        }
    }
}

/// A persona's chance, at each prompt, of sending each kind instead of
/// answering: at most 1 together. Empty (the default) draws nothing, so a
/// persona file without `sends` keeps every number it had.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sends {
    chances: [f64; MediaKind::COUNT],
}

impl Sends {
    /// The chances as written (`{audio: 0.05, ...}`): a message on an
    /// unknown kind (with the key at fault) or on chances adding up to more
    /// than 1.
    pub fn new(written: &IndexMap<String, Probability>) -> Result<Sends, (Option<String>, String)> {
        let mut chances = [0.0; MediaKind::COUNT];
        for (key, chance) in written {
            let Some(kind) = MediaKind::from_key(key) else {
                let suggestion = did_you_mean(key, &[]);
                return Err((
                    Some(key.clone()),
                    format!(
                        "`{key}` is no kind of message a customer sends{suggestion}; the kinds are {}",
                        crate::text::list(MediaKind::ALL.map(MediaKind::key))
                    ),
                ));
            };
            chances[kind.index()] = chance.get();
        }
        let total: f64 = chances.iter().sum();
        if total > 1.0 + 1e-9 {
            return Err((
                None,
                format!(
                    "the chances add up to {total}, more than 1: each is the chance per prompt of sending that kind instead of answering"
                ),
            ));
        }
        Ok(Sends { chances })
    }

    /// The chance of sending `kind` at a prompt.
    pub fn chance(&self, kind: MediaKind) -> f64 {
        self.chances[kind.index()]
    }

    /// Whether this persona ever sends anything.
    pub fn any(&self) -> bool {
        self.chances.iter().any(|chance| *chance > 0.0)
    }

    /// Decides, at one prompt, whether the customer sends something instead
    /// of answering, and what. Draws nothing when the persona sends nothing;
    /// otherwise one number picks the kind (or none) and, when one is sent,
    /// its details take a further draw or two. The kinds are tried in
    /// [`MediaKind::ALL`] order, so two runs of a persona draw alike.
    pub fn draw(&self, rng: &mut Draws) -> Option<Media> {
        if !self.any() {
            return None;
        }
        let u: f64 = rng.random();
        let mut below = 0.0;
        let kind = MediaKind::ALL.into_iter().find(|kind| {
            below += self.chance(*kind);
            u < below
        })?;
        Some(match kind {
            MediaKind::Image => Media::Image,
            MediaKind::Audio => Media::Audio {
                seconds: rng.random_range(VOICE_NOTE_SECONDS),
            },
            MediaKind::Location => Media::Location {
                // Anywhere people live, to a metre or so: no bot under test
                // should depend on where its customers are.
                latitude: round6(rng.random_range(-55.0..70.0)),
                longitude: round6(rng.random_range(-180.0..180.0)),
            },
            MediaKind::Sticker => Media::Sticker,
            MediaKind::Reaction => Media::Reaction {
                emoji: REACTIONS[rng.random_range(0..REACTIONS.len())],
            },
        })
    }
}

fn round6(degrees: f64) -> f64 {
    (degrees * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sends(written: &[(&str, f64)]) -> Result<Sends, (Option<String>, String)> {
        Sends::new(
            &written
                .iter()
                .map(|(key, chance)| (key.to_string(), Probability::new(*chance).unwrap()))
                .collect(),
        )
    }

    #[test]
    fn a_persona_that_sends_nothing_draws_nothing() {
        let mut rng = crate::random::seeded(7);
        let mut untouched = rng.clone();
        assert_eq!(Sends::default().draw(&mut rng), None);
        assert_eq!(sends(&[("image", 0.0)]).unwrap().draw(&mut rng), None);
        // The stream is where it was: the next number is the same.
        assert_eq!(rng.random::<u64>(), untouched.random::<u64>());
    }

    #[test]
    fn one_draw_picks_the_kind_in_fixed_order() {
        // Every kind certain in turn: the draw always gives it.
        for kind in MediaKind::ALL {
            let always = sends(&[(kind.key(), 1.0)]).unwrap();
            let mut rng = crate::random::seeded(3);
            for _ in 0..50 {
                assert_eq!(always.draw(&mut rng).map(Media::kind), Some(kind));
            }
        }
        // The shares over many draws. 200,000 draws: the standard error of
        // a share p is sqrt(p(1-p)/n) <= 0.0011; 0.006 is over five of
        // them, so a correct draw fails this about once in ten million runs
        // (and the seed is fixed), while a kind drawn with another's chance
        // is off by 0.05 or more.
        let mix = sends(&[("audio", 0.3), ("reaction", 0.1), ("image", 0.2)]).unwrap();
        let mut rng = crate::random::seeded(11);
        let mut counts = [0u32; MediaKind::COUNT + 1];
        let n = 200_000;
        for _ in 0..n {
            match mix.draw(&mut rng) {
                Some(media) => counts[media.kind().index()] += 1,
                None => counts[MediaKind::COUNT] += 1,
            }
        }
        let share = |i: usize| f64::from(counts[i]) / f64::from(n);
        for (i, expected) in [0.2, 0.3, 0.0, 0.0, 0.1, 0.4].into_iter().enumerate() {
            assert!((share(i) - expected).abs() < 0.006, "{i}: {}", share(i));
        }
    }

    #[test]
    fn details_stay_within_their_bounds() {
        let all = sends(&[("audio", 0.5), ("location", 0.25), ("reaction", 0.25)]).unwrap();
        let mut rng = crate::random::seeded(5);
        for _ in 0..1_000 {
            match all.draw(&mut rng) {
                Some(Media::Audio { seconds }) => assert!(VOICE_NOTE_SECONDS.contains(&seconds)),
                Some(Media::Location {
                    latitude,
                    longitude,
                }) => {
                    assert!((-55.0..70.0).contains(&latitude), "{latitude}");
                    assert!((-180.0..180.0).contains(&longitude), "{longitude}");
                }
                Some(Media::Reaction { emoji }) => assert!(REACTIONS.contains(&emoji)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn unknown_kinds_and_chances_over_one_are_refused() {
        let (key, message) = sends(&[("imgae", 0.1)]).unwrap_err();
        assert_eq!(key.as_deref(), Some("imgae"));
        assert!(message.contains("did you mean `image`"), "{message}");
        let (key, message) = sends(&[("audio", 0.6), ("image", 0.5)]).unwrap_err();
        assert_eq!(key, None);
        assert!(message.contains("add up to 1.1"), "{message}");
        assert!(sends(&[("audio", 0.5), ("image", 0.5)]).is_ok());
    }

    #[test]
    fn transcripts_show_what_was_sent() {
        assert_eq!(Media::Audio { seconds: 12 }.shown(), "[voice note 0:12]");
        assert_eq!(Media::Audio { seconds: 75 }.shown(), "[voice note 1:15]");
        assert_eq!(Media::Image.shown(), "[image]");
        assert_eq!(Media::Sticker.shown(), "[sticker]");
        assert_eq!(
            Media::Location {
                latitude: 1.0,
                longitude: 2.0
            }
            .shown(),
            "[location]"
        );
        assert_eq!(Media::Reaction { emoji: "👍" }.shown(), "[reaction 👍]");
    }
}
