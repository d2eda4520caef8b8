-- Who started a room, and the key their browser sent with it: starting a
-- room twice with the same key (a double click, a retried request) answers
-- the room already started instead of making a second one.
ALTER TABLE rooms ADD COLUMN created_by TEXT REFERENCES users (id);
ALTER TABLE rooms ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX rooms_client_key_key ON rooms (created_by, client_key);
