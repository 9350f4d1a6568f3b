-- API tokens for scripts, probes and the event consumer (`Authorization: Bearer`).
-- Only the SHA-256 of the secret is kept; the secret is shown once, at creation.
-- `scopes` is a comma-separated list of `ingest` and `read`.
CREATE TABLE api_tokens (
    token_id     TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
