-- Run rollups per quarter hour ('q') replace the per-minute ones: with a run every few
-- minutes per probe, minute rows were as many as raw runs and slower to read than them.
-- Sub-quarter-hour questions read raw rows (the planner knows). Europe/Paris weeks ('w')
-- and months ('M') are added, summed from day rows, for questions over months and years. Rollups are derived data:
-- the table is recreated empty and `rollup_state` tells the server to rebuild it from raw
-- rows at its next start (see indicators::refresh::ensure_rollups_current).
DROP TABLE rollups;
CREATE TABLE rollups (
    kind           TEXT NOT NULL CHECK (kind IN ('r', 's')),
    resolution     TEXT NOT NULL CHECK (resolution IN ('q', 'h', 'd', 'w', 'M')),
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

-- The rollup format the stored rows follow; the server rebuilds every rollup from raw
-- rows when it is older than the format the code writes.
CREATE TABLE rollup_state (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    format INTEGER NOT NULL
);
INSERT INTO rollup_state (id, format) VALUES (1, 0);
