use serde::{Deserialize, Serialize};

use crate::text_enum;

text_enum! {
    /// What a user may do. Roles compose; `Admin` includes every other role.
    pub enum Role("role") {
        Viewer = "viewer",
        Sales = "sales",
        Support = "support",
        Admin = "admin",
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
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
