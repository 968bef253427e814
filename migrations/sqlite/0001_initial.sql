-- Alerts, incidents, their links, the append-only timeline, the outbox, rules and deliveries.
-- Times are UTC milliseconds since the Unix epoch; JSON columns hold compact JSON text.

CREATE TABLE incidents (
  id              INTEGER PRIMARY KEY,
  incident_number INTEGER NOT NULL UNIQUE,
  title           TEXT    NOT NULL,
  severity        TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  status          TEXT    NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved', 'canceled')),
  summary         TEXT    NOT NULL DEFAULT '',
  commander       TEXT,
  group_key       TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  acknowledged_at INTEGER,
  resolved_at     INTEGER
);
CREATE INDEX incidents_by_created ON incidents (created_at DESC, id DESC);
CREATE INDEX incidents_by_status_created ON incidents (status, created_at DESC, id DESC);
CREATE INDEX incidents_open_by_group ON incidents (group_key, created_at)
  WHERE status IN ('triggered', 'acknowledged');

CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  source          TEXT    NOT NULL,
  external_id     TEXT    NOT NULL,
  title           TEXT    NOT NULL,
  description     TEXT    NOT NULL DEFAULT '',
  severity        TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  status          TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
  labels          TEXT    NOT NULL DEFAULT '{}',
  annotations     TEXT    NOT NULL DEFAULT '{}',
  started_at      INTEGER,
  ended_at        INTEGER,
  received_at     INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  occurrence      INTEGER NOT NULL DEFAULT 1,
  suppressed      INTEGER NOT NULL DEFAULT 0,
  incident_id     INTEGER REFERENCES incidents (id),
  acknowledged_at INTEGER,
  raw             TEXT    NOT NULL DEFAULT '{}',
  UNIQUE (source, external_id)
);
CREATE INDEX alerts_by_received ON alerts (received_at DESC, id DESC);
CREATE INDEX alerts_by_status_received ON alerts (status, received_at DESC, id DESC);
CREATE INDEX alerts_by_incident ON alerts (incident_id);

-- Which occurrence of which alert belongs to which incident; resolved_at once that occurrence
-- resolved. "All alerts resolved" is: no link of the incident with resolved_at NULL.
CREATE TABLE incident_alerts (
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  alert_id    INTEGER NOT NULL REFERENCES alerts (id),
  occurrence  INTEGER NOT NULL,
  linked_at   INTEGER NOT NULL,
  resolved_at INTEGER,
  PRIMARY KEY (incident_id, alert_id, occurrence)
);
CREATE INDEX incident_alerts_by_alert ON incident_alerts (alert_id, occurrence);

CREATE TABLE timeline (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  kind        TEXT    NOT NULL,
  actor       TEXT    NOT NULL,
  payload     TEXT    NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL
);
CREATE INDEX timeline_by_incident ON timeline (incident_id, created_at, id);
-- The timeline is append-only: the schema itself refuses changes.
CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline
BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END;
CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline
BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END;

-- Transactional outbox: written with the change it announces, deleted once delivered.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  event_type      TEXT    NOT NULL,
  incident_id     INTEGER,
  payload         TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_by_due ON outbox (next_attempt_at, id);

CREATE TABLE routing_rules (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  priority   INTEGER NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  match      TEXT    NOT NULL DEFAULT '{}',
  actions    TEXT    NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE grouping_rules (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  priority   INTEGER NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1,
  match      TEXT    NOT NULL DEFAULT '{}',
  group_by   TEXT    NOT NULL DEFAULT '[]',
  window_s   INTEGER NOT NULL CHECK (window_s > 0),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The seeded default groups alerts that carry an alertname (Alertmanager, Grafana); alerts
-- without one are not lumped together under an empty name: each opens its own incident.
INSERT INTO grouping_rules (name, priority, enabled, match, group_by, window_s, created_at, updated_at)
VALUES ('default: group by alertname for 5 minutes', 1000, 1,
        '{"labels":[{"key":"alertname","op":"exists"}]}', '["alertname"]', 300, 0, 0);

-- Bumped by every rule change, so every instance sharing the store reloads its rule cache.
CREATE TABLE rules_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO rules_version (id, version) VALUES (1, 1);

-- Deliveries already applied (SNS MessageId): at-least-once senders must not apply twice.
CREATE TABLE webhook_deliveries (
  source      TEXT    NOT NULL,
  delivery_id TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (source, delivery_id)
);
