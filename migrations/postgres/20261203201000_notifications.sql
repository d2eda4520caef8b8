-- E-mail notifications: what each person switched off, and which deadline
-- reminders went out already.

-- A row means "no mail of this kind to this person". Everything is on until
-- switched off, so a new kind reaches everyone without a data migration.
CREATE TABLE notification_opt_outs (
    user_id         TEXT NOT NULL REFERENCES users (id),
    -- A NotificationKind's wire name, e.g. 'deadline_reminder'.
    kind            TEXT NOT NULL,
    switched_off_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- One row per reminder sent. The reminder sweep inserts the row first and
-- mails only when its insert was the one that happened, so the key decides
-- who sends: once, also across restarts and among several instances.
CREATE TABLE reminders_sent (
    room_id       TEXT NOT NULL REFERENCES rooms (id),
    -- The deadline: its DeadlineKind, its last day (YYYY-MM-DD) and what it
    -- is about (a statement request, say), '' when the kind runs once per
    -- room. '' rather than NULL, because NULLs never collide in a key.
    deadline_kind TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    subject_id    TEXT NOT NULL DEFAULT '',
    -- 'before' (it falls due soon) or 'missed' (it has passed).
    stage         TEXT NOT NULL CHECK (stage IN ('before', 'missed')),
    sent_at       BIGINT NOT NULL,
    PRIMARY KEY (room_id, deadline_kind, due_date, subject_id, stage)
);
