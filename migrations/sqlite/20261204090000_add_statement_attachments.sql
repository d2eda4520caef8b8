-- Files a consulted body attaches to its statement. They are documents of
-- the room, but owned by one statement request: the body and the office see
-- them, the applicants only once a statement naming them is released. The
-- room's own documents keep request_id NULL.
ALTER TABLE documents ADD COLUMN request_id TEXT REFERENCES statement_requests (id);

-- The attached versions of a statement, as a JSON array of version ids;
-- fixed when the statement is submitted, like the rest of it.
ALTER TABLE statements ADD COLUMN attachment_ids TEXT NOT NULL DEFAULT '[]';
