-- Resumable uploads: a file on its way in chunks. Nobody but its uploader
-- sees it until it is completed into a document version; until then its
-- bytes are parts in the object store under staging/<upload id>/.
CREATE TABLE uploads (
    id             TEXT PRIMARY KEY,
    room_id        TEXT NOT NULL REFERENCES rooms (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    -- The browser's own id for this file, so that starting the same file
    -- twice (a double click, a reload) finds the upload already begun.
    client_key     TEXT NOT NULL,
    category       TEXT NOT NULL,
    -- Set when the file becomes a new version of this document.
    document_id    TEXT REFERENCES documents (id),
    file_name      TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    received_bytes BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    touched_at     BIGINT NOT NULL,
    -- Set once completed: completing again answers this version.
    version_id     TEXT REFERENCES document_versions (id),
    CONSTRAINT uploads_client_key_key UNIQUE (room_id, user_id, client_key)
);
CREATE INDEX uploads_touched_idx ON uploads (touched_at);

-- The acknowledged chunks of an upload, in order of their offsets.
CREATE TABLE upload_parts (
    upload_id   TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    byte_offset BIGINT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    object_key  TEXT NOT NULL,
    PRIMARY KEY (upload_id, byte_offset)
);
