-- Failed logins of the last hour, for throttling per account and per client
-- address. The address is kept only as a SHA-256 hash, never in the clear;
-- rows older than an hour are deleted as new failures come in.
CREATE TABLE login_failures (
    email        TEXT NOT NULL,
    address_hash TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_address_idx ON login_failures (address_hash, at);
