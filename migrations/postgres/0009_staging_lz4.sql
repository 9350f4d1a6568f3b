-- Staging chunks are large JSON texts written once and read once or twice. PostgreSQL
-- compresses such values with pglz by default, which ran at about 40 MB/s here: for a
-- year's initial load (well over a gigabyte of chunks) that was most of the read stage.
-- lz4 compresses the same chunks about seven times faster. Servers built without lz4
-- store the chunks uncompressed instead (still faster than pglz, more disk).
DO $$
BEGIN
    ALTER TABLE import_staging ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    ALTER TABLE import_staging ALTER COLUMN payload SET STORAGE EXTERNAL;
END $$;
