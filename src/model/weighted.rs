//! A choice by weight: personas by their mix share, a persona's goals, the
//! parts of a mixture distribution. One type, so one place checks weights and
//! one place draws.

/// Items with their cumulative share of the total weight; the last share is
/// exactly 1, so every draw in [0, 1) picks an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T> Weighted<T> {
    /// Items with their weights. Weights must be finite and 0 or more, with
    /// a finite total above 0; the error says which rule was broken.
    pub fn new(weighted: Vec<(f64, T)>) -> Result<Weighted<T>, String> {
        if weighted.is_empty() {
            return Err("there is nothing to choose from".into());
        }
        if let Some((weight, _)) = weighted
            .iter()
            .find(|(weight, _)| !(weight.is_finite() && *weight >= 0.0))
        {
            return Err(format!(
                "a weight must be a number of 0 or more, got {weight}"
            ));
        }
        let total: f64 = weighted.iter().map(|(weight, _)| weight).sum();
        if !total.is_finite() {
            return Err(
                "the weights add up to more than a number can hold: use smaller weights".into(),
            );
        }
        if total <= 0.0 {
            return Err("the weights are all 0".into());
        }
        let mut running = 0.0;
        let mut cumulative = Vec::with_capacity(weighted.len());
        let mut items = Vec::with_capacity(weighted.len());
        let last_chosen = weighted.iter().rposition(|(weight, _)| *weight > 0.0);
        for (weight, item) in weighted {
            running += weight / total;
            cumulative.push(running);
            items.push(item);
        }
        // Guard against rounding: the last item with a weight catches every
        // draw below 1, and items of weight 0 after it (personas only an
        // audience has) are never picked.
        if let Some(last) = last_chosen {
            cumulative[last..].fill(1.0);
        }
        Ok(Weighted { items, cumulative })
    }

    /// Equal weights.
    pub fn equal(items: Vec<T>) -> Result<Weighted<T>, String> {
        Weighted::new(items.into_iter().map(|item| (1.0, item)).collect())
    }

    /// The index chosen by a uniform draw `u` in [0, 1).
    pub fn pick(&self, u: f64) -> usize {
        self.cumulative
            .iter()
            .position(|share| u < *share)
            .unwrap_or(self.items.len() - 1)
    }

    /// The items, in the order given.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> &T {
        &self.items[index]
    }

    /// The share of the total weight of the item at `index`.
    pub fn share(&self, index: usize) -> f64 {
        let before = if index == 0 {
            0.0
        } else {
            self.cumulative[index - 1]
        };
        self.cumulative[index] - before
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Never true: a `Weighted` always has an item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The same weights over other items.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> Weighted<U> {
        Weighted {
            items: self.items.iter().map(f).collect(),
            cumulative: self.cumulative.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_cumulative_share() {
        let weighted = Weighted::new(vec![(0.6, 'a'), (0.4, 'b')]).unwrap();
        assert_eq!(weighted.pick(0.0), 0);
        assert_eq!(weighted.pick(0.59), 0);
        assert_eq!(weighted.pick(0.6), 1);
        assert_eq!(weighted.pick(0.999_999), 1);
        assert!((weighted.share(1) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn a_trailing_item_of_weight_zero_is_never_picked() {
        let weighted = Weighted::new(vec![(0.1, 'a'), (0.2, 'b'), (0.7, 'c'), (0.0, 'd')]).unwrap();
        assert_eq!(weighted.pick(0.999_999_999_999), 2);
        assert_eq!(weighted.share(3), 0.0);
    }

    #[test]
    fn refuses_weights_that_cannot_be_shares() {
        assert!(Weighted::new(vec![(-1.0, ())]).is_err());
        assert!(Weighted::new(vec![(f64::NAN, ())]).is_err());
        assert!(Weighted::new(vec![(0.0, ()), (0.0, ())]).is_err());
        let overflow = Weighted::new(vec![(1e308, ()), (1e308, ())]).unwrap_err();
        assert!(
            overflow.contains("more than a number can hold"),
            "{overflow}"
        );
        assert!(Weighted::<()>::new(vec![]).is_err());
    }
}
