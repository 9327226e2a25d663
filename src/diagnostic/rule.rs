//! The catalogue of checks. Every problem rehearse finds in a flow, a persona
//! file or a scenario belongs to one rule with a stable code, a severity and
//! a one-line explanation; the README documents each with a bad and a fixed
//! example. Codes never change meaning: tools and CI configurations rely on them.

use super::Severity;

macro_rules! rules {
    ($( $variant:ident => $code:literal, $name:literal, $severity:ident, $summary:literal; )*
     @unlisted $( $uvariant:ident => $ucode:literal, $uname:literal, $useverity:ident, $usummary:literal; )*) => {
        /// One check.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)] // each rule is documented by its summary and docs/src/lint-rules.md
        pub enum Rule { $( $variant, )* $( $uvariant, )* }

        impl Rule {
            /// Every rule a file's content can break, in catalogue order.
            /// The unlisted rules (a file that cannot be read) come after
            /// them and are not part of it: they have no fixture of their
            /// own, and SARIF lists them only in a log that uses them.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable code, like `F01`.
            pub fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* $( Rule::$uvariant => $ucode, )* }
            }

            /// A short name, like `unknown-node`.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* $( Rule::$uvariant => $uname, )* }
            }

            /// How serious a finding under this rule is.
            pub fn severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$severity, )* $( Rule::$uvariant => Severity::$useverity, )* }
            }

            /// What the rule catches, in one line.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* $( Rule::$uvariant => $usummary, )* }
            }
        }
    };
}

rules! {
    // The flow as a graph.
    UnknownNode => "F01", "unknown-node", Error, "a route, `next` or `start` names a node that does not exist";
    UnreachableNode => "F02", "unreachable-node", Warning, "no path from `start` reaches this node";
    DeadEnd => "F03", "dead-end", Error, "a node that is not an end or a handoff has no way forward";
    NoWayOut => "F04", "no-way-out", Error, "a loop from which no end or handoff can be reached";
    UnroutedOption => "F05", "unrouted-option", Error, "a reply button, list row or split variant has no route";
    UnofferedRoute => "F06", "unoffered-route", Error, "a route names an option the node does not offer, or a key the node does not route on";
    MissingFallback => "F07", "missing-fallback", Warning, "typed text the bot does not understand has nowhere to go";
    UnstaffedQueue => "F08", "unstaffed-queue", Error, "a handoff to a queue that the scenario does not staff";
    DuplicateOption => "F09", "duplicate-option", Error, "the same button or row title twice on one node";
    UnknownIntent => "F10", "unknown-intent", Error, "`intent NAME` names no intent, an intent can never match, or a keyword is longer than 500 characters";
    InvalidNode => "F11", "invalid-node", Error, "a node mixes kinds, misses `say`, or has a key its kind does not take";
    SplitShares => "F12", "split-shares", Error, "an A/B split has fewer than two variants, shares that are not fractions adding up to 1, or a variant name used twice";
    InvalidFollowUp => "F13", "invalid-follow-up", Error, "a follow-up names no template, has neither `say` nor `template`, or waits 0 or more than 30 days";
    KeywordCollision => "F14", "keyword-collision", Warning, "two intents routed at the same node have the same keyword once normalised (case, accents, Arabic letter variants, digits): the route listed first always wins";
    InvalidCondition => "F15", "invalid-condition", Error, "a variable, `set`, `capture` or `when` condition cannot be read: an unknown variable, a value of the wrong type, a condition that does not parse, a `when` without `else`, or a `{VAR}` in `say:` that names no variable";
    UnreachableBranch => "F16", "unreachable-branch", Warning, "a branch of a `when` node can never be taken: an earlier branch has the same condition, or one that always holds";
    UnsetVariable => "F17", "unset-variable", Warning, "a condition reads a variable that no `default`, `set` or `capture` ever gives a value";
    // What WhatsApp accepts (see docs/src/lint-rules.md).
    ButtonCount => "W01", "button-count", Error, "WhatsApp allows 1 to 3 reply buttons";
    ButtonTitle => "W02", "button-title", Error, "a reply button title is empty or longer than 20 characters";
    ListSize => "W03", "list-size", Error, "a list needs 1 to 10 sections and 1 to 10 rows in total";
    RowTitle => "W04", "row-title", Error, "a list row title is empty or longer than 24 characters";
    RowDescription => "W05", "row-description", Error, "a list row description is longer than 72 characters";
    SectionTitle => "W06", "section-title", Error, "a list section title is missing (with more than one section) or longer than 24 characters";
    ListButton => "W07", "list-button", Error, "the label of the button that opens a list is empty or longer than 20 characters";
    BodyLength => "W08", "body-length", Error, "a message body is longer than WhatsApp allows (1024 interactive, 4096 text)";
    HeaderFooterLength => "W09", "header-footer-length", Error, "an interactive header or footer is longer than 60 characters";
    TemplateLimits => "W10", "template-limits", Error, "a template's body is longer than 1024 characters, its footer longer than 60, or it has more than 10 buttons or a label longer than 25";
    OutsideWindow => "W11", "outside-window", Warning, "a free-form follow-up comes 24 hours or more after the customer's last message, when WhatsApp refuses it (131047)";
    // Personas against the flow.
    UnknownTap => "P01", "unknown-tap", Warning, "a persona taps a title that no node offers";
    UnreachableGoal => "P02", "unreachable-goal", Warning, "no path reaches an end or a handoff with the titles and phrases this goal uses";
    UnusedAnswer => "P03", "unused-answer", Warning, "a persona answers a question that no node asks";
    InvalidPersona => "P04", "invalid-persona", Error, "a persona has no goals, an impossible weight or speed, or a duplicate name";
    NoSurveyAnswers => "P05", "no-survey-answers", Warning, "the flow or an agent pool asks for CSAT, but no persona in the mix ever answers a survey";
    NoEngagement => "P06", "no-engagement", Warning, "the scenario sends customers messages first (campaigns, follow-ups), but a persona who gets them has no `engagement`: they never read one";
    UnheardReply => "P07", "unheard-reply", Warning, "a persona's reply (a phrasing of `replies`, or of a `says` with several) is typed where no route of the bot understands it";
    UnusedReply => "P08", "unused-reply", Warning, "a persona's `replies` key names no option and is found in no prompt's text: it is never typed";
    UnroutedMedia => "P09", "unrouted-media", Warning, "a persona sends a kind of media (an image, a voice note, a location, a sticker) that no node routes: every one falls to a fallback";
    // Scenarios.
    UnknownPersona => "S01", "unknown-persona", Error, "the mix names a persona that no persona file defines";
    MixSum => "S02", "mix-sum", Error, "the mix shares do not add up to 1";
    ZeroAgents => "S03", "zero-agents", Warning, "a queue that the flow hands off to has no agents: everyone handed off gives up";
    ShareRange => "S04", "share-range", Error, "a mix share is not a probability between 0 and 1";
    InvalidScenario => "S05", "invalid-scenario", Error, "a scenario setting is out of range (conversations, replications, turns, arrivals, agents), or a run would pass a cap on its work or memory";
    InvalidExpectation => "S06", "invalid-expectation", Error, "an expectation names no report metric, or its condition cannot be read";
    ClosedQueue => "S07", "closed-queue", Warning, "a queue has hours without agents, and a handoff to it has no `closed:` route: customers wait until it opens";
    InvalidCampaign => "S08", "invalid-campaign", Error, "a campaign names no template, targets nobody, sends outside the scenario's time, or a template category has no price; or the campaigns send or get answered more than a replication may simulate";
    @unlisted
    // A file found or named that does not parse, cannot be read or is not
    // a rehearse file: a finding like the others, so that `lint` reports
    // it in every format and still lints every other file.
    Unreadable => "R00", "unreadable-file", Error, "a file that cannot be read, does not parse or is not a flow, persona file or scenario";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
        let mut names: Vec<&str> = Rule::ALL.iter().map(|rule| rule.name()).collect();
        codes.sort();
        codes.dedup();
        names.sort();
        names.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(names.len(), Rule::ALL.len());
    }
}
