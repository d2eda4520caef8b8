//! Who may do what with an office's own settings: its procedure types now,
//! its staff and consulted bodies later. What people may do inside a room is
//! decided in `policy`. Deny by default: an action not granted below is
//! refused.

use shared::OfficeRole;

/// Something done to an office's settings rather than inside a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeAction {
    /// Reading the procedure types with their checklists and deadline rules.
    ReadProcedureTypes,
    /// Adding a procedure type or changing one.
    EditProcedureTypes,
}

/// Why the office refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeRefusal {
    /// The caller does not work in this office: its settings are answered as
    /// if they did not exist (404), as rooms of others are.
    NotStaff,
    /// The caller works in the office, but their role does not allow this (403).
    Forbidden(&'static str),
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
    fn someone_outside_the_office_is_refused_everything() {
        for action in [ReadProcedureTypes, EditProcedureTypes] {
            assert_eq!(check(action, None), Err(OfficeRefusal::NotStaff));
        }
    }
}
