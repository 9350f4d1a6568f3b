-- PostgreSQL only (its staging chunks are compressed with lz4 instead of pglz). SQLite
-- stores them as they are. Kept so that both engines share migration numbers.
SELECT 1;
