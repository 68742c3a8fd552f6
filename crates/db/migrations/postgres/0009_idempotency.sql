-- Idempotency keys of the REST API: a retried POST with the same key gets the
-- first answer again instead of acting twice. Scoped per caller (an API key
-- or a person), kept 24 hours. `status` is NULL while the first request runs.
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    response_headers TEXT,
    response_body TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (principal, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
