-- Drops the index alerts_by_incident (alerts.incident_id).
--
-- Why: no query reads alerts by incident (an incident's alerts are found through
-- incident_alerts, which keeps the occurrence and link times), and incidents are never deleted
-- nor renumbered, so the foreign key's checks never look up its child rows either. Yet every
-- new alert inserted into it (docs/notes/write-path-perf.md, section 4).
DROP INDEX IF EXISTS alerts_by_incident;
