//! The one dependency order of services: dependencies before their dependents, ties broken by
//! (layer, family name, service id). O((n + e) log n).

use skillc_ir::{Dependency, FamilyId, Ir, Service, ServiceId};
use std::collections::BTreeSet;

/// Which services to order, along which edges, and how to pick the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderSpec {
    /// The services of this family only (edges leaving it are ignored); `None`: every service.
    pub family: Option<FamilyId>,
    pub edges: Edges,
    pub ties: Ties,
}

/// The dependencies that order a service after another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edges {
    /// `requires` and `wants`.
    RequiresAndWants,
    /// `requires` on a service of the same or a lower layer (the doctor's start order).
    RequiresNotAbove,
}

/// Which service comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    /// Of the services whose dependencies are all placed, the smallest key; on a cycle (nothing
    /// ready), the smallest service not yet placed.
    SmallestReady,
    /// Services in key order, each right after its not yet placed dependencies, which are
    /// visited depth first in declaration order; an edge back into the current path is skipped.
    DepthFirst,
}

/// Every service in scope, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub services: Vec<ServiceId>,
    /// No followed edge lies on a cycle (a self-dependency counts): `services` respects every
    /// followed edge.
    pub acyclic: bool,
}

/// The services `spec` selects in dependency order.
pub fn dependency_order(ir: &Ir, spec: OrderSpec) -> Order {
    let graph = Graph::new(ir, spec);
    let (services, cycle) = match spec.ties {
        Ties::SmallestReady => graph.smallest_ready(),
        Ties::DepthFirst => graph.depth_first(),
    };
    Order {
        services,
        acyclic: !cycle && !graph.self_loop,
    }
}

/// The services in scope sorted by key; nodes are positions in that order.
struct Graph {
    members: Vec<ServiceId>,
    /// Per node, the nodes it depends on, in declaration order (self-dependencies left out).
    deps: Vec<Vec<usize>>,
    self_loop: bool,
}

impl Graph {
    fn new(ir: &Ir, spec: OrderSpec) -> Self {
        let mut members: Vec<ServiceId> = ir
            .service_ids()
            .filter(|&id| spec.family.is_none_or(|f| ir.service(id).family == f))
            .collect();
        let key = |id: ServiceId| {
            let s = ir.service(id);
            (
                s.layer.value,
                ir.family(s.family).name.value.as_str(),
                s.id.value.as_str(),
                id,
            )
        };
        members.sort_by(|&a, &b| key(a).cmp(&key(b)));
        let mut node = vec![None; ir.services.len()];
        for (i, id) in members.iter().enumerate() {
            node[id.index()] = Some(i);
        }
        let mut self_loop = false;
        let deps = members
            .iter()
            .enumerate()
            .map(|(i, &id)| {
                let s = ir.service(id);
                followed(ir, s, spec.edges)
                    .filter_map(|d| node[d.target.index()])
                    .filter(|&j| {
                        self_loop |= j == i;
                        j != i
                    })
                    .collect()
            })
            .collect();
        Self {
            members,
            deps,
            self_loop,
        }
    }

    /// Kahn's algorithm with the ready nodes in a `BTreeSet` (nodes are ranks, so the smallest
    /// node is the smallest key). Also returns whether a cycle had to be broken.
    fn smallest_ready(&self) -> (Vec<ServiceId>, bool) {
        let n = self.members.len();
        let mut waiting: Vec<usize> = self.deps.iter().map(Vec::len).collect();
        let mut dependents = vec![Vec::new(); n];
        for (i, deps) in self.deps.iter().enumerate() {
            for &j in deps {
                dependents[j].push(i);
            }
        }
        let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
        let mut placed = vec![false; n];
        let mut smallest_unplaced = 0;
        let mut cycle = false;
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let i = if let Some(i) = ready.pop_first() {
                i
            } else {
                while placed[smallest_unplaced] {
                    smallest_unplaced += 1;
                }
                cycle = true;
                smallest_unplaced
            };
            placed[i] = true;
            order.push(self.members[i]);
            for &k in &dependents[i] {
                if !placed[k] {
                    waiting[k] -= 1;
                    if waiting[k] == 0 {
                        ready.insert(k);
                    }
                }
            }
        }
        (order, cycle)
    }

    /// Post-order depth-first search from every node in key order, iterative (a chain of
    /// thousands of services must not overflow the stack). Also returns whether an edge led back
    /// into the current path.
    fn depth_first(&self) -> (Vec<ServiceId>, bool) {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum State {
            New,
            OnPath,
            Placed,
        }
        let n = self.members.len();
        let mut state = vec![State::New; n];
        let mut cycle = false;
        let mut order = Vec::with_capacity(n);
        let mut path: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if state[root] != State::New {
                continue;
            }
            state[root] = State::OnPath;
            path.push((root, 0));
            while let Some((node, next)) = path.last_mut() {
                if let Some(&d) = self.deps[*node].get(*next) {
                    *next += 1;
                    match state[d] {
                        State::New => {
                            state[d] = State::OnPath;
                            path.push((d, 0));
                        }
                        State::OnPath => cycle = true,
                        State::Placed => {}
                    }
                } else {
                    state[*node] = State::Placed;
                    order.push(self.members[*node]);
                    path.pop();
                }
            }
        }
        (order, cycle)
    }
}

fn followed<'a>(
    ir: &'a Ir,
    s: &'a Service,
    edges: Edges,
) -> Box<dyn Iterator<Item = &'a Dependency> + 'a> {
    match edges {
        Edges::RequiresAndWants => Box::new(s.dependencies()),
        Edges::RequiresNotAbove => Box::new(
            s.requires
                .iter()
                .filter(move |d| ir.service(d.target).layer.value <= s.layer.value),
        ),
    }
}
