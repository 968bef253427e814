-- The same CHECK constraints on alerts and incidents, written as comparisons joined by OR.
--
-- Why: SQLite codes `x IN ('a', 'b', 'c')` (three or more constants) as a temporary index
-- (OpenEphemeral) built again on every INSERT and UPDATE that checks it: one per alerts row
-- and two per incidents row. On the ingestion path that was 12 % of the writer's CPU per alert
-- (docs/notes/write-path-perf.md, section 2). `x = 'a' OR x = 'b' OR x = 'c'` accepts exactly
-- the same values and is evaluated in place.
--
-- How: a CHECK constraint does not change how rows are stored, so SQLite's documented way for
-- such a change applies (https://sqlite.org/lang_altertable.html, "other kinds of table schema
-- changes"): edit the table's CREATE statement in sqlite_schema, then make the connection
-- re-read it (writable_schema = RESET). Instant on any table size, unlike a rebuild. Every
-- stored row already satisfies the constraints, which are unchanged in meaning. Connections
-- that parsed the old text keep it until they re-read the schema; it means the same.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
   SET sql = replace(replace(sql,
       'CHECK (severity IN (''critical'', ''warning'', ''info''))',
       'CHECK (severity = ''critical'' OR severity = ''warning'' OR severity = ''info'')'),
       'CHECK (status IN (''triggered'', ''acknowledged'', ''resolved'', ''canceled''))',
       'CHECK (status = ''triggered'' OR status = ''acknowledged'' OR status = ''resolved'' OR status = ''canceled'')')
 WHERE type = 'table' AND name IN ('alerts', 'incidents');

PRAGMA writable_schema = RESET;
