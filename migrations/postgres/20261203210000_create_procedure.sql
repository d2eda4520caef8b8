-- The procedure after submission: the completeness check's requests for
-- missing items, the consulted bodies and their statements, the decision.
-- Same conventions as the first schema; the SQLite twin is identical.

-- Consulted bodies (Träger öffentlicher Belange) of an office. A person
-- answers for a body by being one of its members.
CREATE TABLE bodies (
    id               TEXT PRIMARY KEY,
    office_id        TEXT NOT NULL REFERENCES offices (id),
    key              TEXT NOT NULL,
    name             TEXT NOT NULL,
    -- 1 for the municipality whose consent the law requires (§ 36 BauGB):
    -- its period is the consent rule's and its silence counts as consent.
    consent_required BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    CONSTRAINT bodies_office_key_key UNIQUE (office_id, key)
);

CREATE TABLE body_members (
    body_id    TEXT NOT NULL REFERENCES bodies (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (body_id, user_id)
);
CREATE INDEX body_members_user_idx ON body_members (user_id);

-- The caseworker who took the case by starting the check.
ALTER TABLE rooms ADD COLUMN assigned_to TEXT REFERENCES users (id);

-- A request for missing items: all items at once, with the applicants'
-- period. Open while answered_at is NULL.
CREATE TABLE missing_item_requests (
    id           TEXT PRIMARY KEY,
    room_id      TEXT NOT NULL REFERENCES rooms (id),
    -- JSON array of {"category": ..., "text": ...}; never changed.
    items        TEXT NOT NULL,
    -- The period the caseworker set, e.g. "4w".
    period       TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at BIGINT NOT NULL,
    answered_at  BIGINT
);
CREATE INDEX missing_item_requests_room_idx ON missing_item_requests (room_id);

CREATE TABLE statement_requests (
    id                     TEXT PRIMARY KEY,
    room_id                TEXT NOT NULL REFERENCES rooms (id),
    body_id                TEXT NOT NULL REFERENCES bodies (id),
    question               TEXT NOT NULL,
    -- JSON array of the document ids shared with the body.
    document_ids           TEXT NOT NULL,
    -- The period the rule gave when the request went out, e.g. "1m".
    period                 TEXT NOT NULL,
    -- open, read, extension_requested, extension_granted, answered,
    -- withdrawn, reopened ("overdue" is computed, never stored).
    status                 TEXT NOT NULL,
    requested_by           TEXT NOT NULL REFERENCES users (id),
    requested_at           BIGINT NOT NULL,
    read_at                BIGINT,
    extension_period       TEXT,
    extension_reason       TEXT,
    extension_requested_at BIGINT,
    extension_granted_at   BIGINT
);
CREATE INDEX statement_requests_room_idx ON statement_requests (room_id);
CREATE INDEX statement_requests_body_idx ON statement_requests (body_id, status);

-- A submitted statement is never changed; a correction is a new version
-- pointing to the one it replaces.
CREATE TABLE statements (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES statement_requests (id),
    room_id      TEXT NOT NULL REFERENCES rooms (id),
    version      BIGINT NOT NULL,
    replaces     TEXT REFERENCES statements (id),
    verdict      TEXT NOT NULL,
    text         TEXT NOT NULL,
    -- JSON array of condition texts.
    conditions   TEXT NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    submitted_at BIGINT NOT NULL,
    released_at  BIGINT,
    CONSTRAINT statements_request_version_key UNIQUE (request_id, version)
);
CREATE INDEX statements_room_idx ON statements (room_id);

-- The decision of a room, one at most.
CREATE TABLE decisions (
    room_id           TEXT PRIMARY KEY REFERENCES rooms (id),
    outcome           TEXT NOT NULL,
    -- JSON array of {"text": ..., "statement_id": ...}.
    conditions        TEXT NOT NULL,
    notice_version_id TEXT NOT NULL REFERENCES document_versions (id),
    fee_amount_cents  BIGINT,
    fee_version_id    TEXT REFERENCES document_versions (id),
    fee_paid          BIGINT NOT NULL DEFAULT 0,
    decided_by        TEXT NOT NULL REFERENCES users (id),
    decided_at        BIGINT NOT NULL,
    -- The applicants' first retrieval of the notice: its delivery.
    retrieved_at      BIGINT,
    retrieved_by      TEXT REFERENCES users (id)
);
