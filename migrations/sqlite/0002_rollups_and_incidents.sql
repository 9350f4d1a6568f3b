-- Pre-aggregated facts per minute ('m'), hour ('h') and Europe/Paris day ('d'), for runs
-- (kind 'r', step_code '') and for steps (kind 's'). One row per
-- (kind, resolution, probe, step, bucket, error code, inside a maintenance window or not).
-- `other` counts timeouts for runs and skipped steps for steps. The histogram is the
-- mergeable log-spaced duration histogram (text `key:count,...`).
CREATE TABLE rollups (
    kind           TEXT NOT NULL CHECK (kind IN ('r', 's')),
    resolution     TEXT NOT NULL CHECK (resolution IN ('m', 'h', 'd')),
    bucket_start   BIGINT NOT NULL,
    probe_code     TEXT NOT NULL,
    step_code      TEXT NOT NULL,
    error_code     TEXT NOT NULL,
    in_maintenance INTEGER NOT NULL,
    total          BIGINT NOT NULL,
    ok             BIGINT NOT NULL,
    failed         BIGINT NOT NULL,
    other          BIGINT NOT NULL,
    duration_sum   BIGINT NOT NULL,
    histogram      TEXT NOT NULL,
    PRIMARY KEY (kind, resolution, bucket_start, probe_code, step_code, error_code, in_maintenance)
);
CREATE INDEX rollups_by_probe ON rollups (kind, resolution, probe_code, bucket_start);

-- Periods of unavailability: a streak of at least 2 consecutive failed counted runs of a
-- probe, from its first failed run to the next OK run (open while ended_at is NULL).
CREATE TABLE incidents (
    incident_id      TEXT PRIMARY KEY,
    probe_code       TEXT NOT NULL REFERENCES probes (probe_code),
    started_at       BIGINT NOT NULL,
    ended_at         BIGINT,
    failed_runs      BIGINT NOT NULL,
    failed_step_code TEXT,
    error_code       TEXT
);
CREATE INDEX incidents_by_probe_time ON incidents (probe_code, started_at);
CREATE INDEX incidents_by_time ON incidents (started_at);
