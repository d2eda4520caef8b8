-- Office admins edit procedure types (names, checklist, deadline rules). Each
-- edit names the version it started from and bumps it; an edit from an older
-- version is refused as stale instead of silently overwriting another admin's
-- change. Existing rows start at version 1.
ALTER TABLE procedure_types ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
