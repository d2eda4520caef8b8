//! The server's integration tests: one binary, the real server on port 0, a
//! fresh database per test. SQLite by default; with `TEST_DATABASE_URL` set to
//! a PostgreSQL server the same tests run there. With `TEST_S3_ENDPOINT` and
//! `TEST_S3_BUCKET` the documents go to that S3-compatible server.

mod support;

mod authorization;
mod contract;
mod crash;
mod documents;
mod flow;
mod form;
mod identity;
mod live;
mod memory;
mod messages;
mod notifications;
mod offices;
mod organisations;
mod procedure;
mod procedure_types;
mod record;
mod requests;
mod scanning;
mod sso;
mod uploads;
