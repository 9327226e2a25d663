//! Reading a metric's name as users write it (expectations, `compare
//! --fail-if-worse`, snapshot paths).

use super::{
    ComplianceStat, CostStat, CsatStat, FunnelCount, Group, GroupMetric, Metric, Outcome,
    QueueStat, RETENTION_DAYS, Rate, Reason, SendStat, Stat, Timer,
};

impl Metric {
    /// Reads a metric name as users write it: the report's path
    /// (`rates.abandonment`, `personas.new-lead.rates.abandonment`), with
    /// the `rates.` step optional (`abandonment`,
    /// `personas.new-lead.abandonment`). The error says what was wrong.
    pub fn parse(name: &str) -> Result<Metric, String> {
        let name = name.trim();
        let unknown = || {
            format!(
                "`{}` is not a report metric{}",
                crate::source::cut(name, 80),
                crate::text::did_you_mean(name, Metric::examples().iter().map(String::as_str))
            )
        };
        if name == "conversations" {
            return Ok(Metric::Conversations);
        }
        if let Some(metric) = group_metric(name) {
            return Ok(match metric {
                GroupMetric::Outcome(o) => Metric::Outcome(o),
                GroupMetric::Rate(r) => Metric::Rate(r),
                GroupMetric::Conversations => Metric::Conversations,
                GroupMetric::Csat(s) => Metric::Csat(s),
                GroupMetric::Conversion(goal) => Metric::Conversion(goal),
            });
        }
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["csat", stat] => CsatStat::ALL
                .into_iter()
                .find(|s| s.key() == *stat)
                .map(Metric::Csat)
                .ok_or_else(unknown),
            ["conversion", ..] if parts.len() >= 2 => {
                Ok(Metric::Conversion(name["conversion.".len()..].to_string()))
            }
            ["conversion_value", ..] if parts.len() >= 2 => Ok(Metric::ConversionValue(
                name["conversion_value.".len()..].to_string(),
            )),
            ["queues", ..] if parts.len() >= 3 => {
                let rest = &name["queues.".len()..];
                for split in rest.match_indices('.').map(|(at, _)| at) {
                    if let Some(stat) = queue_stat(&rest[split + 1..]) {
                        return Ok(Metric::Queue(rest[..split].to_string(), stat));
                    }
                }
                Err(format!(
                    "`{}` names no metric of a queue; write it like `queues.NAME.abandoned` or `queues.NAME.wait.p90`",
                    crate::source::cut(name, 80)
                ))
            }
            ["response_time", timer, stat] => {
                let timer = Timer::ALL.into_iter().find(|t| t.key() == *timer);
                let stat = Stat::ALL.into_iter().find(|s| s.key() == *stat);
                match (timer, stat) {
                    (Some(timer), Some(stat)) => Ok(Metric::Time(timer, stat)),
                    _ => Err(unknown()),
                }
            }
            [block @ ("campaigns" | "follow_ups"), ..] if parts.len() >= 3 => {
                let rest = &name[block.len() + 1..];
                let Some((owner, stat)) = rest.rsplit_once('.') else {
                    return Err(unknown());
                };
                let found = SendStat::ALL
                    .into_iter()
                    .filter(|s| *block == "follow_ups" || *s != SendStat::Recovered)
                    .find(|s| s.key() == stat);
                match (found, *block) {
                    (Some(stat), "campaigns") => Ok(Metric::Campaign(owner.to_string(), stat)),
                    (Some(stat), _) => Ok(Metric::FollowUp(owner.to_string(), stat)),
                    (None, _) => {
                        Err(format!(
                        "`{}`: a {} has {}",
                        crate::source::cut(name, 80),
                        if *block == "campaigns" { "campaign" } else { "node's follow-ups" },
                        crate::text::list(
                            SendStat::ALL
                                .iter()
                                .filter(|s| *block == "follow_ups" || **s != SendStat::Recovered)
                                .map(|s| s.key())
                        )
                    ))
                    }
                }
            }
            ["compliance", stat] => ComplianceStat::ALL
                .into_iter()
                .find(|s| s.key() == *stat)
                .map(Metric::Compliance)
                .ok_or_else(unknown),
            ["retention", days] => RETENTION_DAYS
                .into_iter()
                .find(|d| format!("d{d}") == *days)
                .map(Metric::Retention)
                .ok_or_else(unknown),
            ["cost", stat] => CostStat::ALL
                .into_iter()
                .find(|s| s.key() == *stat)
                .map(Metric::Cost)
                .ok_or_else(unknown),
            ["turns", "mean"] => Ok(Metric::TurnsMean),
            ["turns", "max"] => Ok(Metric::TurnsMax),
            [block @ ("personas" | "segments" | "variants"), ..] => {
                let group = match *block {
                    "personas" => Group::Persona,
                    "segments" => Group::Segment,
                    _ => Group::Variant,
                };
                let rest = &name[block.len() + 1..];
                // Names may hold dots: read the metric from the end.
                for split in rest.match_indices('.').map(|(at, _)| at) {
                    let (group_name, metric) = (&rest[..split], &rest[split + 1..]);
                    if let Some(metric) = group_metric(metric) {
                        return Ok(Metric::Group(group, group_name.to_string(), metric));
                    }
                }
                Err(format!(
                    "`{}` names no metric of a group; write it like `{block}.NAME.abandonment` or `{block}.NAME.outcomes.self_resolved`",
                    crate::source::cut(name, 80)
                ))
            }
            ["funnel", .., "reasons", reason] if parts.len() >= 4 => {
                let node = &name["funnel.".len()..name.len() - reason.len() - ".reasons.".len()];
                Reason::ALL
                    .into_iter()
                    .find(|r| r.key() == *reason)
                    .map(|r| Metric::Funnel(node.to_string(), FunnelCount::Reason(r)))
                    .ok_or_else(|| {
                        format!(
                            "`{reason}` is not a reason; a funnel node's reasons are {}",
                            crate::text::list(Reason::ALL.iter().map(|r| r.key()))
                        )
                    })
            }
            ["funnel", .., count] if parts.len() >= 3 => {
                let node = &name["funnel.".len()..name.len() - count.len() - 1];
                match *count {
                    "entered" => Ok(Metric::Funnel(node.to_string(), FunnelCount::Entered)),
                    "abandoned" => Ok(Metric::Funnel(node.to_string(), FunnelCount::Abandoned)),
                    _ => Err(format!(
                        "`{}`: a funnel node has `entered`, `abandoned` and `reasons.REASON`",
                        crate::source::cut(name, 80)
                    )),
                }
            }
            _ => Err(unknown()),
        }
    }

    /// Names users commonly write, for "did you mean" suggestions.
    pub fn examples() -> Vec<String> {
        let mut names: Vec<String> = Rate::ALL.iter().map(|r| r.key().to_string()).collect();
        names.extend(Outcome::ALL.iter().map(|o| format!("outcomes.{}", o.key())));
        for timer in Timer::ALL {
            names.extend(
                Stat::ALL
                    .iter()
                    .map(|stat| format!("response_time.{}.{}", timer.key(), stat.key())),
            );
        }
        names.extend(["turns.mean", "turns.max", "conversations"].map(String::from));
        names.extend(CsatStat::ALL.iter().map(|s| format!("csat.{}", s.key())));
        names.extend(
            ComplianceStat::ALL
                .iter()
                .map(|s| format!("compliance.{}", s.key())),
        );
        names.extend(RETENTION_DAYS.map(|days| Metric::Retention(days).to_string()));
        names.extend(CostStat::ALL.iter().map(|s| format!("cost.{}", s.key())));
        names
    }
}

/// `arrived`, `served`, `abandoned`, `abandonment`, `utilisation` or
/// `wait.<stat>`.
fn queue_stat(name: &str) -> Option<QueueStat> {
    match name {
        "arrived" => Some(QueueStat::Arrived),
        "served" => Some(QueueStat::Served),
        "abandoned" => Some(QueueStat::Abandoned),
        "abandonment" => Some(QueueStat::Abandonment),
        "utilisation" => Some(QueueStat::Utilisation),
        _ => {
            let stat = name.strip_prefix("wait.")?;
            Stat::ALL
                .into_iter()
                .find(|s| s.key() == stat)
                .map(QueueStat::Wait)
        }
    }
}

/// `conversations`, `<rate>`, `rates.<rate>` or `outcomes.<outcome>`.
fn group_metric(name: &str) -> Option<GroupMetric> {
    if name == "conversations" {
        return Some(GroupMetric::Conversations);
    }
    let rate = name.strip_prefix("rates.").unwrap_or(name);
    if let Some(rate) = Rate::ALL.into_iter().find(|r| r.key() == rate) {
        return Some(GroupMetric::Rate(rate));
    }
    if let Some(stat) = name.strip_prefix("csat.") {
        return CsatStat::ALL
            .into_iter()
            .find(|s| s.key() == stat)
            .map(GroupMetric::Csat);
    }
    if let Some(goal) = name.strip_prefix("conversion.") {
        return Some(GroupMetric::Conversion(goal.to_string()));
    }
    let outcome = name.strip_prefix("outcomes.")?;
    Outcome::ALL
        .into_iter()
        .find(|o| o.key() == outcome)
        .map(GroupMetric::Outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_users_write() {
        let cases = [
            ("self_resolution", Metric::Rate(Rate::SelfResolution)),
            ("rates.fallback", Metric::Rate(Rate::Fallback)),
            ("outcomes.unresolved", Metric::Outcome(Outcome::Unresolved)),
            ("response_time.bot.p95", Metric::Time(Timer::Bot, Stat::P95)),
            ("turns.max", Metric::TurnsMax),
            (
                "personas.new-lead.abandonment",
                Metric::Group(
                    Group::Persona,
                    "new-lead".into(),
                    GroupMetric::Rate(Rate::Abandonment),
                ),
            ),
            (
                "segments.v1.2.outcomes.self_resolved",
                Metric::Group(
                    Group::Segment,
                    "v1.2".into(),
                    GroupMetric::Outcome(Outcome::SelfResolved),
                ),
            ),
            (
                "funnel.ask.order.abandoned",
                Metric::Funnel("ask.order".into(), FunnelCount::Abandoned),
            ),
            (
                "funnel.welcome.reasons.dropped",
                Metric::Funnel("welcome".into(), FunnelCount::Reason(Reason::Dropped)),
            ),
            ("response", Metric::Rate(Rate::Response)),
            ("csat.satisfied", Metric::Csat(CsatStat::Satisfied)),
            ("conversion.purchase", Metric::Conversion("purchase".into())),
            (
                "queues.support.wait.p90",
                Metric::Queue("support".into(), QueueStat::Wait(Stat::P90)),
            ),
            (
                "campaigns.weekend.sale.open_rate",
                Metric::Campaign("weekend.sale".into(), SendStat::OpenRate),
            ),
            (
                "follow_ups.ask_address.recovered",
                Metric::FollowUp("ask_address".into(), SendStat::Recovered),
            ),
            (
                "compliance.not_opted_in",
                Metric::Compliance(ComplianceStat::NotOptedIn),
            ),
            ("retention.d30", Metric::Retention(30)),
            ("cost.per_resolution", Metric::Cost(CostStat::PerResolution)),
            (
                "personas.lead.conversion.purchase",
                Metric::Group(
                    Group::Persona,
                    "lead".into(),
                    GroupMetric::Conversion("purchase".into()),
                ),
            ),
        ];
        for (name, metric) in cases {
            assert_eq!(Metric::parse(name), Ok(metric.clone()), "{name}");
            // Display gives the report's path, which reads back the same.
            assert_eq!(Metric::parse(&metric.to_string()), Ok(metric));
        }
    }

    #[test]
    fn suggests_near_misses() {
        let error = Metric::parse("self_resolutoin").unwrap_err();
        assert!(error.contains("did you mean `self_resolution`"), "{error}");
        assert!(Metric::parse("funnel.welcome.left").is_err());
        assert!(Metric::parse("personas.x").is_err());
        assert!(Metric::parse("campaigns.sale.recovered").is_err());
        assert!(Metric::parse("retention.d14").is_err());
    }
}
