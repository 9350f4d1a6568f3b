-- SQLite only (its rollups table becomes WITHOUT ROWID, stored in key order). PostgreSQL
-- keeps its heap, written in time order by the rebuild. Kept so that both engines share
-- migration numbers.
SELECT 1;
