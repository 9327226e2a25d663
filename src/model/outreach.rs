//! What a scenario sends customers first: an audience (your customer base),
//! campaigns to it, and the prices of WhatsApp's template messages.
//!
//! ```yaml
//! audience:
//!   size: 20000                      # customers on the list
//!   mix: {loyal: 0.3, lapsed: 0.7}   # default: the scenario's mix
//!   opted_in: 0.95                   # share who agreed to business messages (default 1)
//!   undelivered: 0.02                # share of numbers a message never reaches
//! campaigns:
//!   - name: weekend-sale
//!     template: weekend_sale         # a template of the flow
//!     send_at: "Fri 18:00"           # first such moment of the counted time
//!     to: {segment: lapsed}          # or {persona: NAME}; default everyone
//! pricing:                           # per delivered template, by category
//!   currency: USD
//!   as_of: "2026-07-01"
//!   marketing: 0.025
//!   utility: 0.004
//!   service: 0                       # per conversation a customer starts
//! ```

use indexmap::IndexMap;
use serde::Deserialize;

use super::calendar::{WEEK, WeekTime};
use super::flow::{Category, Flow, TemplateId};
use super::persona::Persona;
use super::{Millis, Probability, Weighted};
use crate::diagnostic::{Problem, Rule};
use crate::source::KeyPath;
use crate::text::{did_you_mean, list};

/// The largest audience: the engine keeps a few bytes per member.
pub const MAX_AUDIENCE: u32 = 10_000_000;

/// The most campaigns in a scenario (a member's random streams are
/// numbered by campaign).
pub const MAX_CAMPAIGNS: usize = 255;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AudienceSpec {
    pub size: u32,
    #[serde(default)]
    pub mix: IndexMap<String, f64>,
    #[serde(default)]
    pub opted_in: Option<Probability>,
    #[serde(default)]
    pub undelivered: Probability,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CampaignSpec {
    pub name: String,
    pub template: String,
    pub send_at: String,
    #[serde(default)]
    pub to: Option<TargetSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TargetSpec {
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub persona: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PricingSpec {
    pub currency: String,
    pub as_of: String,
    #[serde(default)]
    pub marketing: Option<f64>,
    #[serde(default)]
    pub utility: Option<f64>,
    #[serde(default)]
    pub authentication: Option<f64>,
    #[serde(default)]
    pub service: Option<f64>,
}

/// A business's customer base: the people campaigns go to. Each member has
/// an identity for the whole run, so the same customer can be messaged,
/// answer, opt out and come back.
#[derive(Debug, Clone)]
pub(crate) struct Audience {
    pub size: u32,
    /// Members' personas (indices into the scenario's personas), by share.
    pub mix: Weighted<usize>,
    /// The share of members who agreed to receive business messages.
    pub opted_in: Probability,
    /// The share of numbers no message ever reaches.
    pub undelivered: Probability,
}

/// Who a campaign goes to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Everyone,
    /// Members whose persona is in this segment.
    Segment(String),
    /// Members of this persona (an index into the scenario's personas).
    Persona(usize),
}

/// A template sent once to (part of) the audience.
#[derive(Debug, Clone)]
pub(crate) struct Campaign {
    pub name: String,
    pub template: TemplateId,
    /// When it goes out, from the start of the counted time.
    pub after_start: Millis,
    pub to: Target,
}

impl Campaign {
    /// Whether a member of `persona` is in the campaign's target.
    pub fn targets(&self, persona_index: usize, persona: &Persona) -> bool {
        match &self.to {
            Target::Everyone => true,
            Target::Segment(segment) => persona.segment.as_deref() == Some(segment.as_str()),
            Target::Persona(index) => *index == persona_index,
        }
    }
}

/// Template prices per delivered message, by category, and the price of a
/// conversation a customer starts. Rates change often and by country: the
/// user gives them with the date they are from.
#[derive(Debug, Clone, PartialEq)]
pub struct Pricing {
    /// Like `USD`.
    pub currency: String,
    /// The date the prices are from, as written.
    pub as_of: String,
    /// Per delivered template, in [`Category::ALL`] order; `None` when not
    /// given (lint makes sure every category sent has one).
    pub templates: [Option<f64>; 3],
    /// Per conversation a customer starts (the service window they open).
    pub service: f64,
}

impl Pricing {
    /// The price of one delivered template of `category`.
    pub fn of(&self, category: Category) -> f64 {
        self.templates[category as usize].unwrap_or(0.0)
    }
}

/// The scenario's business-initiated messaging, validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outreach {
    pub audience: Option<Audience>,
    pub campaigns: Vec<Campaign>,
    pub pricing: Option<Pricing>,
}

/// Reads an audience, a list of campaigns and a price table against the
/// scenario's personas and flow, reporting problems where they are written.
pub(crate) struct OutreachSpec<'a> {
    pub audience: Option<&'a AudienceSpec>,
    pub campaigns: &'a [CampaignSpec],
    pub pricing: Option<&'a PricingSpec>,
    /// When counting starts, on the scenario's clock, and for how long.
    pub starts_at: WeekTime,
    pub duration: Millis,
}

impl OutreachSpec<'_> {
    pub fn validate(
        &self,
        personas: &Weighted<Persona>,
        flow: &Flow,
        problems: &mut Vec<Problem>,
    ) -> Option<Outreach> {
        let before = problems.len();
        let root = KeyPath::root();
        let audience = self
            .audience
            .and_then(|spec| audience(spec, personas, &root.key("audience"), problems));
        let mut campaigns = Vec::with_capacity(self.campaigns.len());
        if !self.campaigns.is_empty() && self.audience.is_none() {
            problems.push(
                Problem::new(
                    Rule::InvalidCampaign,
                    root.key("campaigns"),
                    "campaigns go to an audience, and the scenario has no `audience:`",
                )
                .with_help("add `audience: {size: 10000}`: the customers on your list"),
            );
        }
        if self.campaigns.len() > MAX_CAMPAIGNS {
            problems.push(Problem::new(
                Rule::InvalidCampaign,
                root.key("campaigns"),
                format!("a scenario has at most {MAX_CAMPAIGNS} campaigns"),
            ));
            return None;
        }
        for (i, spec) in self.campaigns.iter().enumerate() {
            let path = root.key("campaigns").index(i);
            if self.campaigns[..i].iter().any(|c| c.name == spec.name) {
                problems.push(
                    Problem::new(
                        Rule::InvalidCampaign,
                        path.key("name"),
                        format!(
                            "two campaigns are called `{}`; the report tells them apart by name",
                            spec.name
                        ),
                    )
                    .with_help("give each campaign a name of its own"),
                );
            }
            campaigns.extend(self.campaign(
                spec,
                &path,
                personas,
                flow,
                audience.as_ref(),
                problems,
            ));
        }
        let pricing = self.pricing.and_then(|spec| pricing(spec, problems));
        if let Some(pricing) = &pricing {
            let mut sent: Vec<(Category, String)> = campaigns
                .iter()
                .map(|c| {
                    let template = &flow.templates[c.template];
                    (template.category, format!("campaign `{}`", c.name))
                })
                .collect();
            sent.extend(flow.nodes.iter().filter_map(|node| {
                let template = node.follow_up.as_ref()?.template?;
                Some((
                    flow.templates[template].category,
                    format!("the follow-up of node `{}`", node.id),
                ))
            }));
            for category in Category::ALL {
                if pricing.templates[category as usize].is_none()
                    && let Some((_, who)) = sent.iter().find(|(c, _)| *c == category)
                {
                    problems.push(
                        Problem::new(
                            Rule::InvalidCampaign,
                            root.key("pricing"),
                            format!(
                                "{who} sends a `{}` template, but `pricing:` has no `{}` price",
                                category.key(),
                                category.key()
                            ),
                        )
                        .with_help(format!(
                            "add `{}: PRICE` (per delivered message, in {})",
                            category.key(),
                            pricing.currency
                        )),
                    );
                }
            }
        }
        (problems.len() == before).then_some(Outreach {
            audience,
            campaigns,
            pricing,
        })
    }

    fn campaign(
        &self,
        spec: &CampaignSpec,
        path: &KeyPath,
        personas: &Weighted<Persona>,
        flow: &Flow,
        audience: Option<&Audience>,
        problems: &mut Vec<Problem>,
    ) -> Option<Campaign> {
        let before = problems.len();
        let mut report = |key: &str, message: String, help: String| {
            problems
                .push(Problem::new(Rule::InvalidCampaign, path.key(key), message).with_help(help))
        };
        let template = flow.templates.iter().position(|t| t.name == spec.template);
        if template.is_none() {
            report(
                "template",
                format!(
                    "the flow has no template called `{}`{}",
                    spec.template,
                    did_you_mean(
                        &spec.template,
                        flow.templates.iter().map(|t| t.name.as_str())
                    )
                ),
                "define it under `templates:` in the flow".into(),
            );
        }
        let send_at = match WeekTime::parse(&spec.send_at) {
            Ok(at) => Some(at),
            Err(message) => {
                report(
                    "send_at",
                    message,
                    "when it goes out, like `send_at: \"Fri 18:00\"`".into(),
                );
                None
            }
        };
        let after_start = send_at.map(|at| Millis((at.0 + WEEK - self.starts_at.0) % WEEK));
        if let (Some(at), Some(after)) = (send_at, after_start)
            && after >= self.duration
        {
            report(
                "send_at",
                format!(
                    "{at} is outside the scenario's counted time, which starts {} and lasts {}",
                    self.starts_at, self.duration
                ),
                "send it within the scenario's time, or change `starts_at` and `duration`".into(),
            );
        }
        let in_audience = |index: usize| {
            audience.is_some_and(|audience| {
                audience
                    .mix
                    .items()
                    .iter()
                    .enumerate()
                    .any(|(i, p)| *p == index && audience.mix.share(i) > 0.0)
            })
        };
        let to = match spec.to.as_ref() {
            None => Some(Target::Everyone),
            Some(TargetSpec {
                segment: Some(segment),
                persona: None,
            }) => {
                let members = (0..personas.len()).any(|i| {
                    personas.get(i).segment.as_deref() == Some(segment.as_str()) && in_audience(i)
                });
                if !members && audience.is_some() {
                    let segments = personas.items().iter().filter_map(|p| p.segment.as_deref());
                    report(
                        "to",
                        format!(
                            "no member of the audience is in segment `{segment}`{}",
                            did_you_mean(segment, segments)
                        ),
                        "a segment is a persona's `segment:`; the audience's mix says which personas are on the list".into(),
                    );
                }
                Some(Target::Segment(segment.clone()))
            }
            Some(TargetSpec {
                segment: None,
                persona: Some(name),
            }) => {
                let index = personas.items().iter().position(|p| &p.name == name);
                match index {
                    Some(index) if in_audience(index) || audience.is_none() => {
                        Some(Target::Persona(index))
                    }
                    _ => {
                        report(
                            "to",
                            format!("no member of the audience is persona `{name}`"),
                            "name a persona of the audience's mix".into(),
                        );
                        None
                    }
                }
            }
            Some(_) => {
                report(
                    "to",
                    "a campaign goes `to: {segment: NAME}` or `to: {persona: NAME}`, one of them"
                        .into(),
                    "leave `to` out to send to the whole audience".into(),
                );
                None
            }
        };
        if problems.len() > before {
            return None;
        }
        Some(Campaign {
            name: spec.name.clone(),
            template: template?,
            after_start: after_start?,
            to: to?,
        })
    }
}

fn audience(
    spec: &AudienceSpec,
    personas: &Weighted<Persona>,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<Audience> {
    let before = problems.len();
    if !(1..=MAX_AUDIENCE).contains(&spec.size) {
        problems.push(
            Problem::new(
                Rule::InvalidScenario,
                path.key("size"),
                format!(
                    "an audience has 1 to {MAX_AUDIENCE} members, got {}",
                    spec.size
                ),
            )
            .with_help("the number of customers on your list, like `size: 20000`"),
        );
    }
    let mix = if spec.mix.is_empty() {
        // The scenario's own mix, over the personas it has a share for.
        Weighted::new(
            (0..personas.len())
                .map(|i| (personas.share(i), i))
                .collect(),
        )
        .ok()
    } else {
        let mut chosen = Vec::with_capacity(spec.mix.len());
        let mut total = 0.0;
        for (name, share) in &spec.mix {
            let at = path.key("mix").key(name);
            if !(0.0..=1.0).contains(share) {
                problems.push(Problem::new(
                    Rule::ShareRange,
                    at.clone(),
                    format!("a share is a probability between 0 and 1, got {share}"),
                ));
            }
            total += share;
            match personas.items().iter().position(|p| &p.name == name) {
                Some(index) => chosen.push((*share, index)),
                None => problems.push(
                    Problem::new(
                        Rule::UnknownPersona,
                        at,
                        format!(
                            "no persona is called `{name}`{}",
                            did_you_mean(name, personas.items().iter().map(|p| p.name.as_str()))
                        ),
                    )
                    .with_help(format!(
                        "the persona files define {}",
                        list(personas.items().iter().map(|p| p.name.as_str()))
                    )),
                ),
            }
        }
        if problems.len() == before && (total - 1.0).abs() > 0.005 {
            problems.push(
                Problem::new(
                    Rule::MixSum,
                    path.key("mix"),
                    format!("the audience's shares add up to {total}, not 1"),
                )
                .with_help("each share is the fraction of the audience from that persona"),
            );
        }
        Weighted::new(chosen).ok()
    };
    if problems.len() > before {
        return None;
    }
    Some(Audience {
        size: spec.size,
        mix: mix?,
        opted_in: spec.opted_in.unwrap_or(Probability::ONE),
        undelivered: spec.undelivered,
    })
}

fn pricing(spec: &PricingSpec, problems: &mut Vec<Problem>) -> Option<Pricing> {
    let path = KeyPath::root().key("pricing");
    let before = problems.len();
    if spec.currency.trim().is_empty() {
        problems.push(
            Problem::new(
                Rule::InvalidScenario,
                path.key("currency"),
                "the currency is empty",
            )
            .with_help("like `currency: USD`"),
        );
    }
    if !is_date(&spec.as_of) {
        problems.push(
            Problem::new(
                Rule::InvalidScenario,
                path.key("as_of"),
                format!("`{}` is not a date like 2026-07-01", spec.as_of),
            )
            .with_help("the date the prices are from: WhatsApp's rates change every few months and by country"),
        );
    }
    let mut price = |key: &str, value: Option<f64>| {
        if let Some(value) = value.filter(|v| !(v.is_finite() && *v >= 0.0 && *v <= 1e6)) {
            problems.push(Problem::new(
                Rule::InvalidScenario,
                path.key(key),
                format!("a price is an amount from 0 to 1000000, got {value}"),
            ));
        }
        value
    };
    let templates = [
        price("marketing", spec.marketing),
        price("utility", spec.utility),
        price("authentication", spec.authentication),
    ];
    let service = price("service", spec.service).unwrap_or(0.0);
    (problems.len() == before).then(|| Pricing {
        currency: spec.currency.trim().to_string(),
        as_of: spec.as_of.clone(),
        templates,
        service,
    })
}

/// `YYYY-MM-DD` with a month from 1 to 12 and a day from 1 to 31.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, digits: usize, range: std::ops::RangeInclusive<u32>| {
        part.len() == digits
            && part.bytes().all(|b| b.is_ascii_digit())
            && part.parse().is_ok_and(|n| range.contains(&n))
    };
    parts.len() == 3
        && number(parts[0], 4, 1900..=9999)
        && number(parts[1], 2, 1..=12)
        && number(parts[2], 2, 1..=31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_year_month_day() {
        assert!(is_date("2026-07-01"));
        assert!(!is_date("2026-7-1"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("July 2026"));
    }
}
