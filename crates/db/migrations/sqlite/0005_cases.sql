-- Case management: what a message's life needs beyond its status, internal
-- comments, in-app notifications and daily counters for dashboards.

ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
ALTER TABLE messages ADD COLUMN assignee_id INTEGER REFERENCES users(id);
ALTER TABLE messages ADD COLUMN routed_at TIMESTAMP;
ALTER TABLE messages ADD COLUMN answered_at TIMESTAMP;
ALTER TABLE messages ADD COLUMN extended BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN clarification_until DATE;
ALTER TABLE messages ADD COLUMN paused_at TIMESTAMP;
ALTER TABLE messages ADD COLUMN planned_date DATE;
ALTER TABLE messages ADD COLUMN rating INTEGER;
ALTER TABLE messages ADD COLUMN resolved BOOLEAN;
ALTER TABLE messages ADD COLUMN disputes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN duplicate_of INTEGER REFERENCES messages(id);
ALTER TABLE messages ADD COLUMN reject_reason TEXT;
-- An executor's answer waiting for the head's approval.
ALTER TABLE messages ADD COLUMN pending_answer TEXT;
ALTER TABLE messages ADD COLUMN pending_answer_by INTEGER REFERENCES users(id);
-- The organisation the message complains about: it is never routed there.
ALTER TABLE messages ADD COLUMN complaint_about INTEGER REFERENCES organisations(id);
-- Escalation marks, so that each reminder and notice goes once.
ALTER TABLE messages ADD COLUMN reminded_for DATE;
ALTER TABLE messages ADD COLUMN overdue_for DATE;
CREATE INDEX messages_inbox ON messages(organisation_id, status, due_date);
CREATE INDEX messages_status_due ON messages(status, due_date);

-- Notes among staff; never shown to residents.
CREATE TABLE message_comments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    at TIMESTAMP NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX message_comments_message ON message_comments(message_id, id);

-- What a person is told in the application; e-mails go through the job queue.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    message_id INTEGER REFERENCES messages(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- Per organisation (0: none yet), topic, territory (0: none) and local day.
CREATE TABLE daily_counters (
    day DATE NOT NULL,
    organisation_id INTEGER NOT NULL,
    topic_id INTEGER NOT NULL,
    territory_id INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    answered_on_time INTEGER NOT NULL DEFAULT 0,
    overdue INTEGER NOT NULL DEFAULT 0,
    disputed INTEGER NOT NULL DEFAULT 0,
    rating_sum INTEGER NOT NULL DEFAULT 0,
    rating_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, organisation_id, topic_id, territory_id)
);

-- Ready answers an organisation keeps per topic (or for any topic).
CREATE TABLE answer_templates (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    topic_id INTEGER REFERENCES topics(id),
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX answer_templates_organisation ON answer_templates(organisation_id, topic_id);

-- Periodic jobs already scheduled for their period (a day, an hour): a job's
-- row goes when it is done, this mark stays, so the period runs once.
CREATE TABLE job_schedule (
    key TEXT PRIMARY KEY,
    scheduled_at TIMESTAMP NOT NULL
);
