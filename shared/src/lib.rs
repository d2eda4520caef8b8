//! The wire types of the case room: what crosses HTTP and the live socket.
//!
//! Both the server (`server/`) and the wasm frontend (`frontend/`) depend on this
//! crate, so a change here is a change of the contract on both sides at once. It
//! holds no behaviour beyond small, pure helpers on the enums (who acts next, what
//! a status is called). Domain rules live in `server::domain`.

pub mod api;
pub mod form;
pub mod live;
pub mod model;

pub use api::*;
pub use form::*;
pub use live::*;
pub use model::*;
