-- The case room's first schema (SQLite). The PostgreSQL twin lives in
-- ../postgres with the same file name; keep the two in step.
--
-- Conventions shared by both databases, so that one set of queries serves both:
-- ids are UUIDs as TEXT; times are BIGINT milliseconds since the Unix epoch
-- (UTC); flags are BIGINT 0/1; JSON is TEXT. No database-specific types.

CREATE TABLE offices (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    -- The federal state's two-letter code; it selects the public holidays.
    state        TEXT NOT NULL,
    -- Last case number handed out; incremented on each submission.
    case_counter BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    CONSTRAINT offices_name_key UNIQUE (name)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- Stored lower-cased, so the unique key is case-insensitive.
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_operator   BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE office_staff (
    office_id  TEXT NOT NULL REFERENCES offices (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (office_id, user_id)
);

CREATE TABLE procedure_types (
    id                  TEXT PRIMARY KEY,
    office_id           TEXT NOT NULL REFERENCES offices (id),
    key                 TEXT NOT NULL,
    name_de             TEXT NOT NULL,
    name_en             TEXT NOT NULL,
    -- JSON array of document category names the checklist asks for.
    required_categories TEXT NOT NULL,
    -- JSON object: the period each deadline of this procedure runs, e.g.
    -- {"completeness_check": "2w", "statement": "1m"} (server/src/domain/rules.rs).
    deadline_rules      TEXT NOT NULL,
    position            BIGINT NOT NULL,
    CONSTRAINT procedure_types_office_key_key UNIQUE (office_id, key)
);

CREATE TABLE rooms (
    id                TEXT PRIMARY KEY,
    office_id         TEXT NOT NULL REFERENCES offices (id),
    procedure_type_id TEXT NOT NULL REFERENCES procedure_types (id),
    title             TEXT NOT NULL,
    site_address      TEXT NOT NULL,
    status            TEXT NOT NULL,
    case_number       TEXT,
    submitted_at      BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    -- Head of the event log: the newest sequence number and its hash. Bumping
    -- last_seq with an UPDATE serialises appends to one room on every database.
    last_seq          BIGINT NOT NULL DEFAULT 0,
    last_hash         TEXT NOT NULL,
    CONSTRAINT rooms_case_number_key UNIQUE (office_id, case_number)
);
CREATE INDEX rooms_office_status_idx ON rooms (office_id, status);

CREATE TABLE room_members (
    room_id   TEXT NOT NULL REFERENCES rooms (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user_idx ON room_members (user_id);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    room_id     TEXT NOT NULL REFERENCES rooms (id),
    -- SHA-256 of the token in the link; the token itself is never stored.
    token_hash  TEXT NOT NULL,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    invited_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    accepted_by TEXT REFERENCES users (id),
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)
);

CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    category   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX documents_room_idx ON documents (room_id);

-- A version row exists only once its bytes are durably in the object store.
CREATE TABLE document_versions (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    room_id     TEXT NOT NULL REFERENCES rooms (id),
    version     BIGINT NOT NULL,
    -- Opaque key in the object store; never derived from the file name.
    object_key  TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    media_type  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at BIGINT NOT NULL,
    CONSTRAINT document_versions_number_key UNIQUE (document_id, version),
    CONSTRAINT document_versions_object_key_key UNIQUE (object_key)
);
CREATE INDEX document_versions_room_idx ON document_versions (room_id);

CREATE TABLE signatures (
    room_id   TEXT NOT NULL REFERENCES rooms (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);

-- The append-only record of everything that happened in a room. Each entry
-- carries the hash of the one before (prev_hash) and its own (hash) over a
-- canonical form (see server/src/events.rs), so tampering is detectable.
CREATE TABLE room_events (
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    seq        BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    actor_id   TEXT,
    -- The actor's name as it was then; names may change later.
    actor_name TEXT,
    at         BIGINT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (room_id, seq)
);
