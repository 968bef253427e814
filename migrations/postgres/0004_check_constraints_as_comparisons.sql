-- SQLite only (see migrations/sqlite/0004_check_constraints_as_comparisons.sql): SQLite builds
-- a temporary index for a CHECK (x IN (three or more values)) on every insert; PostgreSQL
-- evaluates IN lists in place, so its constraints stay as they are. The number is kept so that
-- both folders carry the same versions.
SELECT 1;
