-- Which facts changed, in the order the changes were committed: each rollup refresh or
-- rebuild (and each write of maintenance windows) adds a row numbered from
-- `rollup_state.generation`, which is bumped under its row lock, so the numbers follow
-- commit order with no gaps. The server's in-memory window of recent facts reads the
-- rows after the last one it saw and reloads what they name. Only recent rows are kept.
ALTER TABLE rollup_state ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
CREATE TABLE rollup_changes (
    generation BIGINT PRIMARY KEY,
    from_ms    BIGINT NOT NULL,
    to_ms      BIGINT NOT NULL,
    probe_code TEXT
);
