-- Lists at scale: the PostgreSQL twin of migrations/sqlite/0003_list_indexes.sql. Every filter
-- reads an index range in list order and stops after the page; counting the matches (up to the
-- API's bound) is an index-only scan once vacuum has marked the pages all-visible.
CREATE INDEX incidents_by_severity_created ON incidents (severity, created_at DESC, id DESC);
CREATE INDEX incidents_by_status_severity_created
  ON incidents (status, severity, created_at DESC, id DESC);
-- Alerts: no more indexes than before (each one costs every webhook write); the filter columns
-- outside an index's key are INCLUDEd, so they are checked on the index entry.
DROP INDEX alerts_by_received;
CREATE INDEX alerts_by_received ON alerts (received_at DESC, id DESC)
  INCLUDE (source, status, severity);
DROP INDEX alerts_by_status_received;
CREATE INDEX alerts_by_status_received ON alerts (status, received_at DESC, id DESC)
  INCLUDE (source, severity);
DROP INDEX alerts_by_source_received;
CREATE INDEX alerts_by_source_received ON alerts (source, received_at DESC, id DESC)
  INCLUDE (status, severity);
