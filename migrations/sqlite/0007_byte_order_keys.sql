-- PostgreSQL only (its large tables' keys move to the byte-order collation "C"); SQLite
-- already compares text as bytes (BINARY). Kept so that both engines share migration
-- numbers.
SELECT 1;
