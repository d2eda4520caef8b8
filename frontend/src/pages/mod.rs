//! One module per route (see the route list in `app.rs`).

mod account;
mod auth;
mod home;
mod inbox;
mod invitation;
mod not_found;
mod notifications;
mod office_admin;
mod operator;
mod procedure_types;
mod queue;
mod room;
mod rooms;

pub use account::{AccountPage, ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage};
pub use auth::{LoginPage, RegisterPage};
pub use home::HomePage;
pub use inbox::InboxPage;
pub use invitation::InvitationPage;
pub use not_found::NotFoundPage;
pub use notifications::NotificationSettingsPage;
pub use office_admin::OfficeAdminPage;
pub use operator::OperatorOfficesPage;
pub use procedure_types::ProcedureTypesPage;
pub use queue::QueuePage;
pub use room::RoomPage;
pub use rooms::{NewRoomPage, RoomsPage};
