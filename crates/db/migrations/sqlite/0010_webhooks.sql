-- Webhooks: organisations' subscriptions to message events, and the log of
-- every delivery attempt. Deliveries themselves are jobs.

CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    url TEXT NOT NULL,
    -- Kept as is: signing needs it. Shown once, never logged.
    secret TEXT NOT NULL,
    -- Comma-separated event names.
    events TEXT NOT NULL,
    -- organisation | subtree | region
    reach TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP,
    -- manual | failing
    disabled_reason TEXT,
    -- Attempts failed in a row, and when the first of them failed.
    failures INTEGER NOT NULL DEFAULT 0,
    failing_since TIMESTAMP
);
CREATE INDEX webhook_subscriptions_organisation ON webhook_subscriptions(organisation_id);

CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions(id),
    delivery_id TEXT NOT NULL,
    event TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    -- The start of the receiver's answer, at most about a kilobyte.
    response_body TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_attempts_subscription ON webhook_attempts(subscription_id, id);
CREATE INDEX webhook_attempts_at ON webhook_attempts(at);
