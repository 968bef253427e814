-- Lists at scale (100k incidents, 1M alerts). Every filter the API offers reads an index range
-- in list order (newest first) and stops after the page; counting the matches (up to the API's
-- bound) reads index entries only, never rows.
-- Incidents: one index per status, severity and status + severity combination (the list splits
-- several values into one query per combination, so each is an exact range).
CREATE INDEX incidents_by_severity_created ON incidents (severity, created_at DESC, id DESC);
CREATE INDEX incidents_by_status_severity_created
  ON incidents (status, severity, created_at DESC, id DESC);
-- Alerts: no more indexes than before (each one costs every webhook write); instead the filter
-- columns ride at the end of the time-ordered ones, so a condition on a column outside an
-- index's leading key is checked on the index entry, without reading the row.
-- Rebuilding them takes a few seconds per million alerts.
DROP INDEX alerts_by_received;
CREATE INDEX alerts_by_received ON alerts (received_at DESC, id DESC, source, status, severity);
DROP INDEX alerts_by_status_received;
CREATE INDEX alerts_by_status_received
  ON alerts (status, received_at DESC, id DESC, source, severity);
DROP INDEX alerts_by_source_received;
CREATE INDEX alerts_by_source_received
  ON alerts (source, received_at DESC, id DESC, status, severity);
