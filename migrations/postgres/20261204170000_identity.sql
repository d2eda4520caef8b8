-- Identity and access (issue #6): trust levels, single sign-on identities,
-- sessions with an idle timeout and rotating refresh tokens, and one-time
-- links sent by mail (address verification, password reset).

-- Trust levels. An address is confirmed when its owner followed the link
-- mailed to it. An identity is confirmed either in person by an office admin
-- who checked an identity document (method 'in_person', by = the admin,
-- document = the document's type, e.g. 'id_card') or by a single sign-on
-- login whose assurance level says so (method 'sso', by = NULL, document =
-- the assurance level the provider reported).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN identity_confirmed_at BIGINT;
ALTER TABLE users ADD COLUMN identity_method TEXT;
ALTER TABLE users ADD COLUMN identity_confirmed_by TEXT REFERENCES users (id);
ALTER TABLE users ADD COLUMN identity_document TEXT;

-- Which actions of applicants need a confirmed identity in this office: a
-- JSON array of action names (see server/src/domain/policy.rs). The default
-- is what the issue asks: submitting an application and retrieving a notice.
ALTER TABLE offices ADD COLUMN identity_required_for TEXT NOT NULL
    DEFAULT '["submit","retrieve_notice"]';

-- Accounts that log in through an OpenID Connect provider: the provider's
-- issuer and the subject it names the person by. An account may have both a
-- password and such identities.
CREATE TABLE sso_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user_idx ON sso_identities (user_id);

-- A session is a family of refresh tokens. It ends when revoked, at
-- expires_at (12 hours after login), or after 30 minutes without a request
-- (last_seen_at, written at most once a minute).
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
-- What the person's browser said it was, shortened, for the list of sessions.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
-- 'password' or 'sso'.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
-- Why the session ended: 'logout', 'revoked', 'replay', 'password_reset'.
ALTER TABLE sessions ADD COLUMN end_reason TEXT;

-- Refresh tokens, stored only as their SHA-256. Each is used once: using it
-- marks it used and hands out the next. Presenting a used one again means
-- it was copied, and the whole session (the family) is revoked.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    issued_at  BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- One-time links sent by mail, stored only as their SHA-256: 'verify_email'
-- (valid 7 days) and 'reset_password' (valid 1 hour).
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    purpose    TEXT NOT NULL,
    -- The address the link was sent to; verifying confirms this address only.
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);
