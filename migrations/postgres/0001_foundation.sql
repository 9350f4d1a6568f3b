-- Vigie foundation schema (PostgreSQL). Timestamps are UTC epoch milliseconds (BIGINT);
-- flags are 0/1 integers so that both engines decode them the same way.

CREATE TABLE products (
    product_code TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE services (
    service_code TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('internal', 'partner')),
    owner_team   TEXT
);

CREATE TABLE journey_steps (
    product_code TEXT NOT NULL REFERENCES products (product_code),
    step_code    TEXT NOT NULL,
    position     INTEGER NOT NULL,
    label        TEXT NOT NULL,
    service_code TEXT NOT NULL REFERENCES services (service_code),
    PRIMARY KEY (product_code, step_code),
    UNIQUE (product_code, position)
);

CREATE TABLE probes (
    probe_code   TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    product_code TEXT NOT NULL REFERENCES products (product_code),
    channel      TEXT NOT NULL CHECK (channel IN ('web', 'mobile', 'api')),
    environment  TEXT NOT NULL CHECK (environment IN ('prod', 'recette')),
    interval_s   INTEGER NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE error_codes (
    error_code   TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    category     TEXT NOT NULL CHECK (category IN ('technical', 'functional', 'partner')),
    service_code TEXT
);

CREATE TABLE maintenance_windows (
    window_id  TEXT PRIMARY KEY,
    scope      TEXT NOT NULL CHECK (scope IN ('all', 'product', 'service', 'probe')),
    scope_code TEXT,
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    reason     TEXT,
    CHECK (ends_at > starts_at)
);

CREATE TABLE probe_runs (
    run_id           TEXT PRIMARY KEY,
    probe_code       TEXT NOT NULL REFERENCES probes (probe_code),
    started_at       BIGINT NOT NULL,
    duration_ms      BIGINT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('OK', 'KO', 'TIMEOUT')),
    failed_step_code TEXT,
    error_code       TEXT,
    error_message    TEXT,
    agent            TEXT,
    ingested_at      BIGINT NOT NULL
);
CREATE INDEX probe_runs_by_probe_time ON probe_runs (probe_code, started_at);
CREATE INDEX probe_runs_by_time ON probe_runs (started_at);

CREATE TABLE probe_steps (
    run_id      TEXT NOT NULL REFERENCES probe_runs (run_id),
    step_code   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    started_at  BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('OK', 'KO', 'TIMEOUT', 'SKIPPED')),
    http_status INTEGER,
    error_code  TEXT,
    message     TEXT,
    PRIMARY KEY (run_id, step_code)
);

-- Personal-data columns hold authenticated ciphertext ("v<key version>:<base64>");
-- e-mail and phone also carry a keyed hash (blind index) for exact-match search.
CREATE TABLE prospects (
    prospect_id     TEXT PRIMARY KEY,
    first_name_enc  TEXT NOT NULL,
    last_name_enc   TEXT NOT NULL,
    email_enc       TEXT NOT NULL,
    email_hash      TEXT NOT NULL,
    phone_enc       TEXT,
    phone_hash      TEXT,
    birth_date_enc  TEXT,
    postal_code     TEXT,
    created_at      BIGINT NOT NULL,
    contact_consent INTEGER NOT NULL
);
CREATE INDEX prospects_by_email_hash ON prospects (email_hash);

CREATE TABLE journey_events (
    event_id     TEXT PRIMARY KEY,
    occurred_at  BIGINT NOT NULL,
    product_code TEXT NOT NULL REFERENCES products (product_code),
    step_code    TEXT NOT NULL,
    journey_id   TEXT NOT NULL,
    prospect_id  TEXT REFERENCES prospects (prospect_id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('STARTED', 'COMPLETED', 'FAILED', 'ABANDONED')),
    error_code   TEXT,
    channel      TEXT NOT NULL CHECK (channel IN ('web', 'mobile', 'api')),
    application  TEXT
);
CREATE INDEX journey_events_by_time ON journey_events (occurred_at);
CREATE INDEX journey_events_by_product_time ON journey_events (product_code, occurred_at);

CREATE TABLE users (
    user_id       BIGINT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('viewer', 'sales', 'support', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- Only a hash of the session token is stored: a leaked table does not leak live sessions.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
