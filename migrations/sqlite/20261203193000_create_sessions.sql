-- Login sessions. The session token (a JWT in an httpOnly cookie) names its
-- row; logging out marks the row revoked, so a copied cookie stops working at
-- once and not only when the token expires.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
