-- Messages: threads in a room, each with a visibility, their messages, and
-- each person's read marker per thread. Same conventions as the first
-- schema; the PostgreSQL twin is identical.

CREATE TABLE message_threads (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms (id),
    subject    TEXT NOT NULL,
    -- room (the applicants and the office), office (internal notes) or
    -- body (the office and the consulted body in body_id).
    visibility TEXT NOT NULL,
    body_id    TEXT REFERENCES bodies (id),
    started_by TEXT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    -- The key the starter's browser sent: starting again with it (a double
    -- click, a retry) answers this thread instead of making a second.
    client_key TEXT,
    CONSTRAINT message_threads_visibility_check
        CHECK (visibility IN ('room', 'office', 'body')),
    CONSTRAINT message_threads_body_check CHECK ((visibility = 'body') = (body_id IS NOT NULL))
);
CREATE INDEX message_threads_room_idx ON message_threads (room_id);
CREATE UNIQUE INDEX message_threads_client_key_key ON message_threads (started_by, client_key);

-- A message is never changed. position counts 1, 2, 3 … within its thread:
-- read markers and unread counts compare positions, not times, which two
-- instances' clocks could disagree on.
CREATE TABLE messages (
    id           TEXT PRIMARY KEY,
    thread_id    TEXT NOT NULL REFERENCES message_threads (id),
    room_id      TEXT NOT NULL REFERENCES rooms (id),
    position     BIGINT NOT NULL,
    author_id    TEXT NOT NULL REFERENCES users (id),
    posted_at    BIGINT NOT NULL,
    text         TEXT NOT NULL,
    -- JSON arrays: the people mentioned ({"user_id", "display_name"}, the
    -- name as it was when written) and the ids of the documents referred to.
    mentions     TEXT NOT NULL,
    document_ids TEXT NOT NULL,
    client_key   TEXT,
    CONSTRAINT messages_thread_position_key UNIQUE (thread_id, position)
);
CREATE INDEX messages_room_idx ON messages (room_id);
CREATE UNIQUE INDEX messages_client_key_key ON messages (author_id, client_key);

-- How far a person has read a thread. A person's own state, not the
-- room's: it is no entry of the room's event log.
CREATE TABLE message_reads (
    user_id            TEXT NOT NULL REFERENCES users (id),
    thread_id          TEXT NOT NULL REFERENCES message_threads (id),
    last_read_position BIGINT NOT NULL,
    read_at            BIGINT NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
