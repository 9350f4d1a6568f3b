-- The daily file drop's import pipeline (contracts/import-files.md): one row per import,
-- its stages, its files, its rejected rows, its raw staging and its enrichment results.
CREATE TABLE imports (
    import_id     TEXT PRIMARY KEY,              -- IMPORT_YYYYMMDD_HHMMSS_NNN
    phase         TEXT NOT NULL CHECK (phase IN ('initial', 'daily')),
    folder        TEXT NOT NULL,
    business_date TEXT,                          -- YYYY-MM-DD, once the check stage read it
    status        TEXT NOT NULL CHECK (status IN ('running', 'failed', 'succeeded')),
    stage         TEXT NOT NULL,                 -- the stage running, failed, or done last
    reference_ms  BIGINT NOT NULL,               -- "now" for the future-timestamp rule, fixed once
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT,
    failure       TEXT,
    touched_from  BIGINT,                        -- the range of facts loaded (rollups stage)
    touched_to    BIGINT
);
CREATE INDEX imports_by_creation ON imports (created_at);

CREATE TABLE import_stages (
    import_id  TEXT NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
    stage      TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at   BIGINT,
    status     TEXT NOT NULL CHECK (status IN ('running', 'failed', 'succeeded')),
    rows_done  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (import_id, stage)
);

CREATE TABLE import_files (
    import_id     TEXT NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
    file_type     TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    read_rows     BIGINT NOT NULL DEFAULT 0,
    accepted_rows BIGINT NOT NULL DEFAULT 0,
    rejected_rows BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (import_id, file_type)
);

-- A rejected row: one line per broken rule. Personal values never appear here.
CREATE TABLE import_errors (
    import_id   TEXT NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
    file_type   TEXT NOT NULL,
    line        BIGINT NOT NULL,
    seq         BIGINT NOT NULL,                 -- the rule's order within the line
    column_name TEXT NOT NULL,
    rule        TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (import_id, file_type, line, seq)
);
CREATE INDEX import_errors_by_rule ON import_errors (import_id, rule);

-- Raw rows as read, in chunks: a JSON array of [line, [cells in the file type's column
-- order]]; personal-data cells are encrypted before they are written.
CREATE TABLE import_staging (
    import_id  TEXT NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
    file_type  TEXT NOT NULL,
    chunk      BIGINT NOT NULL,
    first_line BIGINT NOT NULL,
    row_count  BIGINT NOT NULL,
    payload    TEXT NOT NULL,
    PRIMARY KEY (import_id, file_type, chunk)
);

-- The enrich stage's answers: one row per distinct postal code of the import.
CREATE TABLE import_geography (
    import_id       TEXT NOT NULL REFERENCES imports (import_id) ON DELETE CASCADE,
    postal_code     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('resolved', 'unknown', 'failed')),
    commune         TEXT,
    department_code TEXT,
    region_code     TEXT,
    PRIMARY KEY (import_id, postal_code)
);

-- The sales branch that calls prospects back, per region (edited by admins).
CREATE TABLE sales_branches (
    region_code TEXT PRIMARY KEY,
    branch      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

ALTER TABLE prospects ADD COLUMN commune TEXT;
ALTER TABLE prospects ADD COLUMN department_code TEXT;
ALTER TABLE prospects ADD COLUMN region_code TEXT;
ALTER TABLE prospects ADD COLUMN sales_branch TEXT;

-- In-app alerts (an import that failed, a drop late past its cut-off, a slow import);
-- the alerting channels will read them too.
CREATE TABLE alerts (
    alert_id    BIGSERIAL PRIMARY KEY,
    raised_at   BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    subject     TEXT NOT NULL,
    message     TEXT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX alerts_by_time ON alerts (raised_at);
