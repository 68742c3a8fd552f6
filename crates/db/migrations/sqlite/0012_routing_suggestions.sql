-- The explainable routing classifier in the product (issue 7): the models it
-- was trained into, the moderators' decisions it learns from, what it
-- suggested for each message, and per-topic auto-route thresholds.

-- A trained model. At most one is active; the one it replaced is `previous`
-- (kept for rollback); a retrained one that did worse is `rejected`; older
-- ones are `retired`. Figures are on the held-out slice it was judged on.
CREATE TABLE routing_models (
    id INTEGER PRIMARY KEY,
    bytes BLOB NOT NULL,
    trained_on INTEGER NOT NULL,
    tested_on INTEGER NOT NULL,
    topic_top1 REAL,
    topic_top3 REAL,
    organisation_top1 REAL,
    organisation_top3 REAL,
    -- The active model's topic top-1 on the same slice when this one was judged.
    rival_topic_top1 REAL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP
);
CREATE UNIQUE INDEX routing_models_active ON routing_models(status) WHERE status = 'active';

-- A message's confirmed topic and organisation, as a moderator (or a later
-- redirect) settled them: one row per message, corrected in place. `verdict`
-- says how it relates to what the model suggested: confirmed, corrected,
-- unsuggested (no model was active), demo.
CREATE TABLE routing_examples (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
    text TEXT NOT NULL,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    organisation_id INTEGER REFERENCES organisations(id),
    verdict TEXT NOT NULL,
    labelled_by INTEGER REFERENCES users(id),
    labelled_at TIMESTAMP NOT NULL
);
CREATE INDEX routing_examples_labelled ON routing_examples(labelled_at);

-- What the active model suggested for a message at intake: the top topic and
-- organisation, so a moderator's decision can be told a confirmation or a
-- correction, and whether the message was routed on it without moderation.
CREATE TABLE routing_suggestions (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    model_id INTEGER NOT NULL REFERENCES routing_models(id),
    topic_id INTEGER,
    topic_confidence REAL NOT NULL,
    organisation_id INTEGER,
    auto_routed BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Route a message of this topic without moderation when the model's
-- confidence in the topic is at least this (0..1); NULL: never (the default).
ALTER TABLE topics ADD COLUMN auto_route_threshold REAL;
