-- Alerts, incidents, their links, the append-only timeline, the outbox, rules and deliveries:
-- the PostgreSQL twin of migrations/sqlite/0001_initial.sql (same tables, columns, checks and
-- indexes, so both backends share their row code).
-- Times are BIGINT UTC milliseconds since the Unix epoch, as in SQLite.
-- JSON columns are TEXT holding compact JSON, deliberately not JSONB: JSONB re-serializes
-- (reorders keys, changes spacing), while TEXT gives back the exact bytes written, identical on
-- both backends; no query looks inside these documents.

-- Incident numbers come from a sequence: monotonic and never reused, even across concurrent
-- writers on several regend instances or rolled-back transactions. CACHE 1 so numbers follow
-- allocation order across sessions instead of per-session blocks.
CREATE SEQUENCE incident_number_seq AS BIGINT START WITH 1 CACHE 1;

CREATE TABLE incidents (
  id              BIGSERIAL PRIMARY KEY,
  incident_number BIGINT  NOT NULL UNIQUE DEFAULT nextval('incident_number_seq'),
  title           TEXT    NOT NULL,
  severity        TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  status          TEXT    NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved', 'canceled')),
  summary         TEXT    NOT NULL DEFAULT '',
  commander       TEXT,
  group_key       TEXT,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  acknowledged_at BIGINT,
  resolved_at     BIGINT
);
ALTER SEQUENCE incident_number_seq OWNED BY incidents.incident_number;
CREATE INDEX incidents_by_created ON incidents (created_at DESC, id DESC);
CREATE INDEX incidents_by_status_created ON incidents (status, created_at DESC, id DESC);
CREATE INDEX incidents_open_by_group ON incidents (group_key, created_at)
  WHERE status IN ('triggered', 'acknowledged');

CREATE TABLE alerts (
  id              BIGSERIAL PRIMARY KEY,
  source          TEXT    NOT NULL,
  external_id     TEXT    NOT NULL,
  title           TEXT    NOT NULL,
  description     TEXT    NOT NULL DEFAULT '',
  severity        TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  status          TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
  labels          TEXT    NOT NULL DEFAULT '{}',
  annotations     TEXT    NOT NULL DEFAULT '{}',
  started_at      BIGINT,
  ended_at        BIGINT,
  received_at     BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  occurrence      BIGINT  NOT NULL DEFAULT 1,
  suppressed      BOOLEAN NOT NULL DEFAULT FALSE,
  incident_id     BIGINT  REFERENCES incidents (id),
  acknowledged_at BIGINT,
  raw             TEXT    NOT NULL DEFAULT '{}',
  UNIQUE (source, external_id)
);
CREATE INDEX alerts_by_received ON alerts (received_at DESC, id DESC);
CREATE INDEX alerts_by_status_received ON alerts (status, received_at DESC, id DESC);
CREATE INDEX alerts_by_incident ON alerts (incident_id);

-- Which occurrence of which alert belongs to which incident; resolved_at once that occurrence
-- resolved. "All alerts resolved" is: no link of the incident with resolved_at NULL.
CREATE TABLE incident_alerts (
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  alert_id    BIGINT NOT NULL REFERENCES alerts (id),
  occurrence  BIGINT NOT NULL,
  linked_at   BIGINT NOT NULL,
  resolved_at BIGINT,
  PRIMARY KEY (incident_id, alert_id, occurrence)
);
CREATE INDEX incident_alerts_by_alert ON incident_alerts (alert_id, occurrence);

CREATE TABLE timeline (
  id          BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  kind        TEXT   NOT NULL,
  actor       TEXT   NOT NULL,
  payload     TEXT   NOT NULL DEFAULT '{}',
  created_at  BIGINT NOT NULL
);
CREATE INDEX timeline_by_incident ON timeline (incident_id, created_at, id);
-- The timeline is append-only: the schema itself refuses changes. Statement-level triggers, so
-- even an UPDATE or DELETE matching no row is refused, and TRUNCATE (which fires no row
-- trigger) too.
CREATE FUNCTION timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'timeline entries are append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline
  FOR EACH STATEMENT EXECUTE FUNCTION timeline_append_only();
CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline
  FOR EACH STATEMENT EXECUTE FUNCTION timeline_append_only();
CREATE TRIGGER timeline_no_truncate BEFORE TRUNCATE ON timeline
  FOR EACH STATEMENT EXECUTE FUNCTION timeline_append_only();

-- Transactional outbox: written with the change it announces, deleted once delivered.
CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  event_type      TEXT    NOT NULL,
  incident_id     BIGINT,
  payload         TEXT    NOT NULL,
  created_at      BIGINT  NOT NULL,
  attempts        BIGINT  NOT NULL DEFAULT 0,
  next_attempt_at BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX outbox_by_due ON outbox (next_attempt_at, id);

CREATE TABLE routing_rules (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT    NOT NULL,
  priority   BIGINT  NOT NULL,
  enabled    BOOLEAN NOT NULL DEFAULT TRUE,
  match      TEXT    NOT NULL DEFAULT '{}',
  actions    TEXT    NOT NULL DEFAULT '{}',
  created_at BIGINT  NOT NULL,
  updated_at BIGINT  NOT NULL
);

CREATE TABLE grouping_rules (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT    NOT NULL,
  priority   BIGINT  NOT NULL,
  enabled    BOOLEAN NOT NULL DEFAULT TRUE,
  match      TEXT    NOT NULL DEFAULT '{}',
  group_by   TEXT    NOT NULL DEFAULT '[]',
  window_s   BIGINT  NOT NULL CHECK (window_s > 0),
  created_at BIGINT  NOT NULL,
  updated_at BIGINT  NOT NULL
);
-- The seeded default groups alerts that carry an alertname (Alertmanager, Grafana); alerts
-- without one are not lumped together under an empty name: each opens its own incident.
INSERT INTO grouping_rules (name, priority, enabled, match, group_by, window_s, created_at, updated_at)
VALUES ('default: group by alertname for 5 minutes', 1000, TRUE,
        '{"labels":[{"key":"alertname","op":"exists"}]}', '["alertname"]', 300, 0, 0);

-- Bumped by every rule change, so every instance sharing the store reloads its rule cache.
CREATE TABLE rules_version (
  id      BIGINT PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO rules_version (id, version) VALUES (1, 1);

-- Deliveries already applied (SNS MessageId): at-least-once senders must not apply twice.
CREATE TABLE webhook_deliveries (
  source      TEXT   NOT NULL,
  delivery_id TEXT   NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (source, delivery_id)
);
