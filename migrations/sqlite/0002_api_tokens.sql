-- API tokens for the incident API. Only the SHA-256 of a token is stored; the key id (the
-- token's public part) finds the row. A revoked token keeps its row (audit), and its name can
-- be reused by a new token.
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  key_id       TEXT    NOT NULL UNIQUE,
  name         TEXT    NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('viewer', 'responder', 'admin')),
  secret_hash  TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- Alert lists filtered by source or severity, newest first.
CREATE INDEX alerts_by_source_received ON alerts (source, received_at DESC, id DESC);
-- An incident's alerts, most recently linked first.
CREATE INDEX incident_alerts_by_incident ON incident_alerts (incident_id, linked_at DESC);
