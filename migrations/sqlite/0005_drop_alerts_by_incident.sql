-- Drops the index alerts_by_incident (alerts.incident_id).
--
-- Why: no query reads alerts by incident (an incident's alerts are found through
-- incident_alerts, which keeps the occurrence and link times), and incidents are never deleted
-- nor renumbered, so the foreign key never needs to look up its child rows either. Yet every new
-- alert inserted into it, at the end of its incident's range: under a load spread over many
-- incidents that is one more page per alert dirtied and written to the WAL at each commit
-- (docs/notes/write-path-perf.md, section 4).
DROP INDEX IF EXISTS alerts_by_incident;
