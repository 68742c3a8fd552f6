//! Who may do what, and where. Each staff role carries a fixed set of
//! permissions; each grant of a role reaches one organisation, its subtree when
//! granted so, or — for the regional centre's moderators and the platform
//! administrators — the whole region. Handlers ask one question:
//! [`Access::allows`] for a permission on an organisation's object.

use std::collections::HashMap;

use crate::organisation::Role;

/// Things staff do. Every state-changing staff endpoint and every page that
/// shows a resident's personal data names the permission it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See a case with the resident's name and contacts.
    ViewPersonalData,
    /// Register incoming messages, assign them, correct their topic.
    Triage,
    /// Write interim and final answers.
    Answer,
    /// Approve answers and deadline extensions.
    Approve,
    /// Moderate and redirect messages across the region.
    Moderate,
    /// Read statistics (aggregates, no personal data).
    ReadStatistics,
    /// Invite staff, change and revoke their roles.
    ManageStaff,
    /// Issue and revoke integrators' API keys.
    ManageApiKeys,
    /// The catalogue, organisations, platform settings and the audit log.
    ManagePlatform,
}

impl Permission {
    pub const ALL: [Self; 9] = [
        Self::ViewPersonalData,
        Self::Triage,
        Self::Answer,
        Self::Approve,
        Self::Moderate,
        Self::ReadStatistics,
        Self::ManageStaff,
        Self::ManageApiKeys,
        Self::ManagePlatform,
    ];
}

impl Role {
    /// The permissions the role carries.
    pub fn permits(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Self::Resident => false,
            Self::PlatformAdmin => true,
            Self::Operator => matches!(permission, P::ViewPersonalData | P::Triage),
            Self::Executor => matches!(permission, P::ViewPersonalData | P::Answer),
            Self::Head => matches!(
                permission,
                P::ViewPersonalData | P::Triage | P::Answer | P::Approve | P::ReadStatistics
            ),
            Self::Moderator => matches!(
                permission,
                P::ViewPersonalData | P::Triage | P::Moderate | P::ReadStatistics
            ),
            Self::Analyst => permission == P::ReadStatistics,
            Self::OrgAdmin => matches!(permission, P::ManageStaff | P::ManageApiKeys),
        }
    }

    /// Whether a grant of this role reaches every organisation of the region
    /// whatever organisation it is held in.
    pub fn region_wide(self) -> bool {
        matches!(self, Self::Moderator | Self::PlatformAdmin)
    }

    /// Roles an organisation's administrator may hand out: its own staff, never
    /// the regional or platform ones.
    pub fn grantable_by_org_admin(self) -> bool {
        matches!(
            self,
            Self::Operator | Self::Executor | Self::Head | Self::Analyst | Self::OrgAdmin
        )
    }
}

/// One role held by a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub include_subtree: bool,
}

/// The organisations' parent links, to decide subtree reach.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    parent: HashMap<i64, i64>,
    ids: Vec<i64>,
}

impl OrgTree {
    /// From `(id, parent_id)` pairs.
    pub fn new(links: impl IntoIterator<Item = (i64, Option<i64>)>) -> Self {
        let links: Vec<(i64, Option<i64>)> = links.into_iter().collect();
        Self {
            parent: links
                .iter()
                .filter_map(|&(id, parent)| parent.map(|p| (id, p)))
                .collect(),
            ids: links.iter().map(|&(id, _)| id).collect(),
        }
    }

    /// Every organisation a reach covers, for queries that list by organisation.
    pub fn covered(&self, reach: &Reach) -> Option<Vec<i64>> {
        match reach {
            Reach::All => None,
            Reach::Some(_) => Some(
                self.ids
                    .iter()
                    .copied()
                    .filter(|&id| reach.contains(id, self))
                    .collect(),
            ),
        }
    }

    /// Whether `org` is `root` or lies below it. Stops on a cycle rather than
    /// looping, since the tree is data an administrator edits.
    pub fn within(&self, org: i64, root: i64) -> bool {
        let mut current = org;
        for _ in 0..=self.parent.len() {
            if current == root {
                return true;
            }
            match self.parent.get(&current) {
                Some(&parent) => current = parent,
                None => return false,
            }
        }
        false
    }
}

/// Everything a signed-in user holds.
#[derive(Debug, Clone, Default)]
pub struct Access {
    grants: Vec<Grant>,
}

impl Access {
    pub fn new(grants: Vec<Grant>) -> Self {
        Self { grants }
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// Whether the user holds any staff role at all.
    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role != Role::Resident)
    }

    pub fn is_platform_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::PlatformAdmin)
    }

    /// Whether the permission is held anywhere: enough to show a menu entry,
    /// never enough to act on an object.
    pub fn holds(&self, permission: Permission) -> bool {
        self.grants.iter().any(|g| g.role.permits(permission))
    }

    /// Whether the user may use `permission` on an object of organisation
    /// `org` (`None`: an object of the platform itself, such as the audit log
    /// or a message not yet routed).
    pub fn allows(&self, permission: Permission, org: Option<i64>, tree: &OrgTree) -> bool {
        self.grants.iter().any(|g| {
            g.role.permits(permission)
                && (g.role.region_wide()
                    || match (org, g.organisation_id) {
                        (Some(target), Some(own)) if g.include_subtree => tree.within(target, own),
                        (Some(target), Some(own)) => target == own,
                        _ => false,
                    })
        })
    }

    /// The organisations where the user may use `permission`: `None` means
    /// all of them.
    pub fn reach(&self, permission: Permission) -> Reach {
        let mut roots = Vec::new();
        for g in self.grants.iter().filter(|g| g.role.permits(permission)) {
            if g.role.region_wide() {
                return Reach::All;
            }
            if let Some(org) = g.organisation_id {
                roots.push((org, g.include_subtree));
            }
        }
        Reach::Some(roots)
    }
}

/// Where a permission reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    All,
    /// Organisations, each with whether its subtree is included.
    Some(Vec<(i64, bool)>),
}

impl Reach {
    pub fn contains(&self, org: i64, tree: &OrgTree) -> bool {
        match self {
            Self::All => true,
            Self::Some(roots) => roots.iter().any(|&(root, subtree)| {
                if subtree {
                    tree.within(org, root)
                } else {
                    org == root
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> OrgTree {
        // 1 ─ 2 ─ 3, and 4 on its own.
        OrgTree::new([(1, None), (2, Some(1)), (3, Some(2)), (4, None)])
    }

    fn one(role: Role, org: Option<i64>, include_subtree: bool) -> Access {
        Access::new(vec![Grant {
            role,
            organisation_id: org,
            include_subtree,
        }])
    }

    #[test]
    fn own_organisation_only_without_subtree() {
        let a = one(Role::Executor, Some(2), false);
        assert!(a.allows(Permission::Answer, Some(2), &tree()));
        assert!(!a.allows(Permission::Answer, Some(3), &tree()));
        assert!(!a.allows(Permission::Answer, Some(1), &tree()));
        assert!(!a.allows(Permission::Approve, Some(2), &tree()));
    }

    #[test]
    fn subtree_reaches_descendants_not_ancestors() {
        let a = one(Role::OrgAdmin, Some(2), true);
        assert!(a.allows(Permission::ManageStaff, Some(3), &tree()));
        assert!(!a.allows(Permission::ManageStaff, Some(1), &tree()));
        assert!(!a.allows(Permission::ManageStaff, Some(4), &tree()));
        assert_eq!(
            a.reach(Permission::ManageStaff),
            Reach::Some(vec![(2, true)])
        );
    }

    #[test]
    fn moderators_reach_the_whole_region() {
        let a = one(Role::Moderator, Some(4), false);
        assert!(a.allows(Permission::Moderate, Some(3), &tree()));
        assert!(!a.allows(Permission::ManageStaff, Some(4), &tree()));
        assert_eq!(a.reach(Permission::Moderate), Reach::All);
    }

    #[test]
    fn analysts_never_see_personal_data() {
        let a = one(Role::Analyst, Some(1), true);
        assert!(!a.holds(Permission::ViewPersonalData));
        assert!(a.allows(Permission::ReadStatistics, Some(3), &tree()));
    }

    #[test]
    fn platform_objects_are_for_platform_admins() {
        assert!(one(Role::PlatformAdmin, None, false).allows(
            Permission::ManagePlatform,
            None,
            &tree()
        ));
        assert!(!one(Role::OrgAdmin, Some(1), true).allows(Permission::ManageStaff, None, &tree()));
    }

    #[test]
    fn a_cycle_in_the_tree_ends() {
        let cyclic = OrgTree::new([(1, Some(2)), (2, Some(1))]);
        assert!(!cyclic.within(1, 3));
    }
}
