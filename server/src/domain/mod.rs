//! The domain: rules of the procedure, of names and of documents, free of HTTP
//! and SQL so they can be read and tested on their own.

pub mod deadlines;
pub mod files;
pub mod form;
pub mod holidays;
pub mod messages;
pub mod policy;
pub mod procedure;
pub mod procedure_types;
pub mod rules;
pub mod sso;
pub mod throttle;
pub mod values;
