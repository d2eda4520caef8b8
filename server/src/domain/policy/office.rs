//! Who may do what with an office's own settings — procedure types, staff,
//! consulted bodies, the identity rule — and what the operator may do with
//! offices. What people may do inside a room is decided in the parent module
//! `policy`, which also holds the trust-level rule. Deny by default: an
//! action not granted below is refused.
//!
//! An office admin sees nothing of other offices, and the operator nothing
//! inside any office: to both, what is not theirs answers 404.

use shared::OfficeRole;

/// Something done to an office's settings rather than inside a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeAction {
    /// Reading the procedure types with their checklists and deadline rules.
    ReadProcedureTypes,
    /// Adding a procedure type or changing one.
    EditProcedureTypes,
    /// Listing, adding and removing staff and changing their roles.
    ManageStaff,
    /// Listing, adding and renaming consulted bodies and their members.
    ManageBodies,
    /// Reading and changing which actions need a confirmed identity.
    ManageSettings,
    /// Recording that a person showed an identity document at the office.
    ConfirmIdentity,
}

/// Something done to the installation's offices as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorAction {
    /// Listing the offices with their sizes (nothing inside them).
    ListOffices,
    /// Adding an office with its first admin.
    AddOffice,
}

/// Why the office refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeRefusal {
    /// The caller does not work in this office: its settings are answered as
    /// if they did not exist (404), as rooms of others are.
    NotStaff,
    /// The caller works in the office, but their role does not allow this (403).
    Forbidden(&'static str),
    /// The caller is not the operator: the operator's pages do not exist for
    /// them (404).
    NotOperator,
}

/// Whether someone with `role` in the office (`None`: no role there) may take
/// `action`.
pub fn check(action: OfficeAction, role: Option<OfficeRole>) -> Result<(), OfficeRefusal> {
    use OfficeAction::*;
    use OfficeRole::*;

    let Some(role) = role else {
        return Err(OfficeRefusal::NotStaff);
    };
    match (action, role) {
        (ReadProcedureTypes, Caseworker | OfficeAdmin) => Ok(()),
        (EditProcedureTypes, OfficeAdmin) => Ok(()),
        (EditProcedureTypes, _) => Err(OfficeRefusal::Forbidden(
            "Only the office's administration changes procedure types, checklists and \
             deadline rules.",
        )),
        (ManageStaff | ManageBodies | ManageSettings | ConfirmIdentity, OfficeAdmin) => Ok(()),
        (ManageStaff | ManageBodies | ManageSettings | ConfirmIdentity, Caseworker) => {
            Err(OfficeRefusal::Forbidden(
                "Only the office's administration manages its staff, consulted bodies and \
                 settings, and confirms identities.",
            ))
        }
    }
}

/// Whether the caller may take `action` on the installation's offices. Only
/// the operator may; the operator's rights end at the office's door (every
/// action of `check` refuses them unless they also work in the office).
pub fn check_operator(action: OperatorAction, is_operator: bool) -> Result<(), OfficeRefusal> {
    match (action, is_operator) {
        (OperatorAction::ListOffices | OperatorAction::AddOffice, true) => Ok(()),
        (_, false) => Err(OfficeRefusal::NotOperator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OfficeAction::*;

    #[test]
    fn the_office_admin_reads_and_edits_procedure_types() {
        let admin = Some(OfficeRole::OfficeAdmin);
        assert_eq!(check(ReadProcedureTypes, admin), Ok(()));
        assert_eq!(check(EditProcedureTypes, admin), Ok(()));
    }

    #[test]
    fn a_caseworker_reads_procedure_types_but_does_not_edit_them() {
        let caseworker = Some(OfficeRole::Caseworker);
        assert_eq!(check(ReadProcedureTypes, caseworker), Ok(()));
        assert!(matches!(
            check(EditProcedureTypes, caseworker),
            Err(OfficeRefusal::Forbidden(_))
        ));
    }

    #[test]
    fn only_the_office_admin_manages_staff_bodies_settings_and_identities() {
        for action in [ManageStaff, ManageBodies, ManageSettings, ConfirmIdentity] {
            assert_eq!(check(action, Some(OfficeRole::OfficeAdmin)), Ok(()));
            assert!(matches!(
                check(action, Some(OfficeRole::Caseworker)),
                Err(OfficeRefusal::Forbidden(_))
            ));
        }
    }

    #[test]
    fn only_the_operator_lists_and_adds_offices() {
        for action in [OperatorAction::ListOffices, OperatorAction::AddOffice] {
            assert_eq!(check_operator(action, true), Ok(()));
            assert_eq!(
                check_operator(action, false),
                Err(OfficeRefusal::NotOperator)
            );
        }
    }

    #[test]
    fn someone_outside_the_office_is_refused_everything() {
        let all = [
            ReadProcedureTypes,
            EditProcedureTypes,
            ManageStaff,
            ManageBodies,
            ManageSettings,
            ConfirmIdentity,
        ];
        for action in all {
            assert_eq!(check(action, None), Err(OfficeRefusal::NotStaff));
        }
    }
}
