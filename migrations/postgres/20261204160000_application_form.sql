-- The application form, one row per field that has been filled in. Each
-- field carries its own version, so that builder and designer can edit
-- different fields at once; a write based on an older version of the same
-- field is refused (see server/src/handlers/form.rs).
CREATE TABLE form_fields (
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    version    BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, field)
);

-- The server instances holding live sockets, each with the last time it
-- said it was alive. Presence rows of an instance not heard from within the
-- dead-socket window are ignored (it crashed or lost the network), so that
-- nobody appears present for longer than a minute after their server died.
CREATE TABLE live_instances (
    id      TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

-- Who has a room open now: one row per open socket and room, with the role
-- the person has there (for who may see whom) and the form field they are
-- editing. Kept in the database rather than in one instance's memory, so
-- that every instance shows the same people.
CREATE TABLE presence (
    socket_id   TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    room_id     TEXT NOT NULL REFERENCES rooms (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    role        TEXT NOT NULL,
    body_id     TEXT,
    editing     TEXT,
    PRIMARY KEY (socket_id, room_id)
);
CREATE INDEX presence_room_idx ON presence (room_id);
CREATE INDEX presence_instance_idx ON presence (instance_id);
