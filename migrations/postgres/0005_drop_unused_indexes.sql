-- Drops two indexes that no query uses, and that every new alert wrote to.
--
-- alerts_by_incident (alerts.incident_id): no query reads alerts by incident (an incident's
-- alerts are found through incident_alerts, which keeps the occurrence and link times), and
-- incidents are never deleted nor renumbered, so the foreign key's checks never look up its
-- child rows.
--
-- incident_alerts_by_incident (incident_id, linked_at DESC): an incident's alerts are listed
-- grouped by alert (its latest link), which the primary key (incident_id, alert_id, occurrence)
-- serves, as it serves the count of an incident's unresolved links.
--
-- docs/notes/write-path-perf.md, section 4.
DROP INDEX IF EXISTS alerts_by_incident;
DROP INDEX IF EXISTS incident_alerts_by_incident;
