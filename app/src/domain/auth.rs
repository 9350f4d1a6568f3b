use serde::{Deserialize, Serialize};

/// What a user may do. Roles compose; `Admin` includes every other role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Sales,
    Support,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Sales, Role::Support, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Sales => "sales",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// The logged-in user as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

impl SessionUser {
    /// Whether the user holds `needed`: directly, through `Admin`, or, for `Viewer`,
    /// through any role (every role can read indicators).
    pub fn has(&self, needed: Role) -> bool {
        self.roles
            .iter()
            .any(|&held| held == needed || held == Role::Admin || needed == Role::Viewer)
    }
}

/// A user as the administration page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role]) -> SessionUser {
        SessionUser {
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn admin_includes_every_role() {
        let admin = user(&[Role::Admin]);
        assert!(Role::ALL.iter().all(|&role| admin.has(role)));
    }

    #[test]
    fn every_role_can_view_but_only_sales_sees_sales_rights() {
        let support = user(&[Role::Support]);
        assert!(support.has(Role::Viewer));
        assert!(support.has(Role::Support));
        assert!(!support.has(Role::Sales));
        assert!(!support.has(Role::Admin));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
