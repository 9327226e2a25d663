//! A node's `on_media`: where each kind of media a customer sends leads
//! (see [`crate::model::media`] for the kinds).

use super::NodeId;
use crate::model::media::MediaKind;

/// The key in a flow's `on_media` that routes every kind but reactions.
pub const ANY: &str = "any";

/// Where a node sends each kind a customer sends it (`on_media`); a kind
/// without a route falls to the node's fallback (a reaction: ignored).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaRoutes {
    routes: [Option<NodeId>; MediaKind::COUNT],
}

impl MediaRoutes {
    /// Routes from kinds to nodes; `any` gives every kind but reactions a
    /// route, unless the kind has one of its own (whatever the order
    /// written).
    pub fn new(kinds: &[(MediaKind, NodeId)], any: Option<NodeId>) -> MediaRoutes {
        let mut routes = [None; MediaKind::COUNT];
        for kind in MediaKind::ALL.into_iter().filter(|kind| kind.in_any()) {
            routes[kind.index()] = any;
        }
        for (kind, target) in kinds {
            routes[kind.index()] = Some(*target);
        }
        MediaRoutes { routes }
    }

    /// Where `kind` leads, if the node routes it.
    pub fn route(&self, kind: MediaKind) -> Option<NodeId> {
        self.routes[kind.index()]
    }

    /// Every node a route leads to, in kind order.
    pub fn targets(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.routes.iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_routes_every_kind_but_reactions_and_yields_to_a_kind_s_own_route() {
        let routes = MediaRoutes::new(&[(MediaKind::Audio, 7)], Some(2));
        assert_eq!(routes.route(MediaKind::Audio), Some(7));
        assert_eq!(routes.route(MediaKind::Image), Some(2));
        assert_eq!(routes.route(MediaKind::Sticker), Some(2));
        assert_eq!(routes.route(MediaKind::Reaction), None);
        let reactions = MediaRoutes::new(&[(MediaKind::Reaction, 1)], None);
        assert_eq!(reactions.route(MediaKind::Reaction), Some(1));
        assert_eq!(reactions.route(MediaKind::Image), None);
    }
}
