//! The RBAC evaluator (DOMAIN.md access): pure functions, no database.
//!
//! - A grant matches a required permission when equal, or when it is `*`, `res:*` with the same
//!   resource, or `*:act` with the same action.
//! - A role grants its own permissions plus, transitively, its parents' (cycles are harmless).
//! - A binding at a scope applies to that scope and every scope below it:
//!   organization → project → environment. Never upwards, never sideways.
use std::collections::{BTreeSet, HashMap, HashSet};

use uuid::Uuid;
use windflow_api::access::ScopeType;

pub use windflow_api::access::grant_matches;

/// A set of granted permissions (wildcards kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet(BTreeSet<String>);

impl PermissionSet {
    /// Everything (`*`): what superadmins hold.
    pub fn all() -> Self {
        Self(BTreeSet::from(["*".to_owned()]))
    }
    /// True when some grant covers `required` (a [`windflow_api::access::Permission`], or a
    /// grant name when checking that a role's grants are held).
    pub fn allows(&self, required: impl AsRef<str>) -> bool {
        let required = required.as_ref();
        self.0.iter().any(|g| grant_matches(g, required))
    }
    /// Adds grants.
    pub fn extend<I: IntoIterator<Item = String>>(&mut self, grants: I) {
        self.0.extend(grants);
    }
    /// The grants, sorted.
    pub fn to_vec(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }
}

/// Roles with their direct permissions and parents.
#[derive(Debug, Clone, Default)]
pub struct RoleGraph {
    /// Direct permissions per role.
    pub permissions: HashMap<Uuid, Vec<String>>,
    /// Parents per role.
    pub parents: HashMap<Uuid, Vec<Uuid>>,
}

impl RoleGraph {
    /// All permissions of `role`: its own and its ancestors', each role visited once.
    pub fn expand(&self, role: Uuid) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut seen = HashSet::new();
        let mut stack = vec![role];
        while let Some(r) = stack.pop() {
            if !seen.insert(r) {
                continue;
            }
            out.extend(self.permissions.get(&r).into_iter().flatten().cloned());
            stack.extend(self.parents.get(&r).into_iter().flatten().copied());
        }
        out
    }

    /// True when making `parent` a parent of `role` would close a cycle.
    pub fn would_cycle(&self, role: Uuid, parent: Uuid) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![parent];
        while let Some(r) = stack.pop() {
            if r == role {
                return true;
            }
            if seen.insert(r) {
                stack.extend(self.parents.get(&r).into_iter().flatten().copied());
            }
        }
        false
    }
}

/// Where a permission is asked for: an organization, optionally narrowed to a project and an
/// environment of that project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopePath {
    /// Organization.
    pub organization: Uuid,
    /// Project, if any.
    pub project: Option<Uuid>,
    /// Environment (of `project`), if any.
    pub environment: Option<Uuid>,
}

/// A role granted at a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// Role id.
    pub role: Uuid,
    /// Scope type of the binding.
    pub scope_type: ScopeType,
    /// Scope id of the binding.
    pub scope_id: Uuid,
}

impl ScopePath {
    /// The scope of a project of `organization`.
    pub fn project(organization: Uuid, project: Uuid) -> Self {
        Self {
            organization,
            project: Some(project),
            environment: None,
        }
    }

    /// The scope of an environment of `project` of `organization`.
    pub fn environment(organization: Uuid, project: Uuid, environment: Uuid) -> Self {
        Self {
            organization,
            project: Some(project),
            environment: Some(environment),
        }
    }

    /// True when a binding at (`scope_type`, `scope_id`) applies here (same scope or ancestor).
    pub fn is_covered_by(&self, scope_type: ScopeType, scope_id: Uuid) -> bool {
        match scope_type {
            ScopeType::Organization => self.organization == scope_id,
            ScopeType::Project => self.project == Some(scope_id),
            ScopeType::Environment => self.environment == Some(scope_id),
        }
    }
}

/// Effective permissions at `path` from `grants`, expanding each applicable role.
pub fn resolve(grants: &[Grant], path: &ScopePath, graph: &RoleGraph) -> PermissionSet {
    let mut set = PermissionSet::default();
    for g in grants
        .iter()
        .filter(|g| path.is_covered_by(g.scope_type, g.scope_id))
    {
        set.extend(graph.expand(g.role));
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ident() -> impl Strategy<Value = String> {
        "[a-z_]{1,8}"
    }

    proptest! {
        #[test]
        fn star_matches_everything(r in ident(), a in ident()) {
            let req = format!("{r}:{a}");
            prop_assert!(grant_matches("*", &req));
        }

        #[test]
        fn resource_wildcard_matches_only_its_resource(r in ident(), r2 in ident(), a in ident()) {
            let (g, same, other) = (format!("{r}:*"), format!("{r}:{a}"), format!("{r2}:{a}"));
            prop_assert!(grant_matches(&g, &same));
            prop_assert_eq!(grant_matches(&g, &other), r == r2);
        }

        #[test]
        fn action_wildcard_matches_only_its_action(r in ident(), a in ident(), a2 in ident()) {
            let (g, same, other) = (format!("*:{a}"), format!("{r}:{a}"), format!("{r}:{a2}"));
            prop_assert!(grant_matches(&g, &same));
            prop_assert_eq!(grant_matches(&g, &other), a == a2);
        }

        #[test]
        fn exact_grant_matches_only_itself(r in ident(), a in ident(), r2 in ident(), a2 in ident()) {
            let (g, req) = (format!("{r}:{a}"), format!("{r2}:{a2}"));
            prop_assert_eq!(grant_matches(&g, &req), r == r2 && a == a2);
        }

        /// A random role graph (possibly cyclic): a role's expansion contains each parent's
        /// expansion, and expansion terminates.
        #[test]
        fn roles_inherit_parents_transitively(
            edges in proptest::collection::vec((0usize..6, 0usize..6), 0..12),
            perms in proptest::collection::vec(proptest::collection::vec(ident(), 0..3), 6),
        ) {
            let ids: Vec<Uuid> = (0..6).map(|i| Uuid::from_u128(i as u128 + 1)).collect();
            let mut g = RoleGraph::default();
            for (i, p) in perms.iter().enumerate() {
                g.permissions.insert(ids[i], p.iter().map(|x| format!("{x}:read")).collect());
            }
            for (c, p) in &edges {
                g.parents.entry(ids[*c]).or_default().push(ids[*p]);
            }
            for (c, p) in &edges {
                let child = g.expand(ids[*c]);
                prop_assert!(g.expand(ids[*p]).is_subset(&child));
            }
            for (i, p) in perms.iter().enumerate() {
                let e = g.expand(ids[i]);
                for x in p {
                    let want = format!("{x}:read");
                    prop_assert!(e.contains(&want));
                }
            }
        }

        /// Bindings apply downwards only: organization → its projects → their environments.
        #[test]
        fn scope_ancestry(bind_level in 0usize..3, ask_level in 0usize..3, same_branch in any::<bool>()) {
            let org = Uuid::from_u128(10);
            let (p1, p2, e1, e2) = (Uuid::from_u128(20), Uuid::from_u128(21), Uuid::from_u128(30), Uuid::from_u128(31));
            let role = Uuid::from_u128(1);
            let mut g = RoleGraph::default();
            g.permissions.insert(role, vec!["projects:read".into()]);
            let (st, sid) = match bind_level {
                0 => (ScopeType::Organization, org),
                1 => (ScopeType::Project, p1),
                _ => (ScopeType::Environment, e1),
            };
            let (proj, env) = if same_branch { (p1, e1) } else { (p2, e2) };
            let path = match ask_level {
                0 => ScopePath { organization: org, project: None, environment: None },
                1 => ScopePath { organization: org, project: Some(proj), environment: None },
                _ => ScopePath { organization: org, project: Some(proj), environment: Some(env) },
            };
            let allowed = resolve(&[Grant { role, scope_type: st, scope_id: sid }], &path, &g).allows("projects:read");
            let expected = bind_level == 0 || (same_branch && ask_level >= bind_level);
            prop_assert_eq!(allowed, expected);
        }
    }

    #[test]
    fn cycle_detection() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let mut g = RoleGraph::default();
        g.parents.insert(a, vec![b]);
        g.parents.insert(b, vec![c]);
        assert!(g.would_cycle(c, a));
        assert!(!g.would_cycle(a, c));
        assert!(g.would_cycle(a, a));
    }

    #[test]
    fn malformed_grants_match_nothing_but_themselves() {
        assert!(!grant_matches("containers", "containers:read"));
        assert!(!grant_matches("containers:read", "containers"));
        assert!(PermissionSet::all().allows("anything:at_all"));
        assert!(!PermissionSet::default().allows("projects:read"));
    }
}
