-- Core model: regions, organisations, territories, catalogue, people, messages, jobs.
-- Times are TIMESTAMP (ISO 8601 text in UTC), dates DATE, flags BOOLEAN (0/1).

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    centre_lat REAL NOT NULL,
    centre_lon REAL NOT NULL,
    zoom INTEGER NOT NULL
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    parent_id INTEGER REFERENCES organisations(id),
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    short_name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    website TEXT,
    time_zone TEXT,
    requires_answer_approval BOOLEAN NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_parent ON organisations(parent_id);

CREATE TABLE territories (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    parent_id INTEGER REFERENCES territories(id),
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    geometry TEXT NOT NULL,
    min_lat REAL NOT NULL,
    min_lon REAL NOT NULL,
    max_lat REAL NOT NULL,
    max_lon REAL NOT NULL
);

CREATE TABLE organisation_territories (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    PRIMARY KEY (organisation_id, territory_id)
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    icon TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    slug TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    guidance_ru TEXT NOT NULL,
    guidance_en TEXT NOT NULL,
    responsible TEXT NOT NULL,
    deadline_days INTEGER NOT NULL,
    deadline_kind TEXT NOT NULL,
    dispute_window_days INTEGER NOT NULL,
    extension_days INTEGER NOT NULL,
    priority BOOLEAN NOT NULL,
    public BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL
);
CREATE INDEX topics_category ON topics(category_id, position);

-- Where a message goes: by topic or by a topic's responsibility area, within a
-- territory (NULL: anywhere). The most specific territory wins.
CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER REFERENCES topics(id),
    responsible TEXT,
    territory_id INTEGER REFERENCES territories(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    CHECK ((topic_id IS NULL) <> (responsible IS NULL))
);
CREATE INDEX routing_rules_topic ON routing_rules(topic_id);
CREATE INDEX routing_rules_responsible ON routing_rules(responsible);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT UNIQUE,
    password_hash TEXT,
    name TEXT NOT NULL,
    phone TEXT,
    locale TEXT NOT NULL DEFAULT 'ru',
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE staff_roles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    include_subtree BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX staff_roles_unique ON staff_roles(user_id, role, COALESCE(organisation_id, 0));

CREATE TABLE message_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    organisation_id INTEGER REFERENCES organisations(id),
    territory_id INTEGER REFERENCES territories(id),
    author_id INTEGER REFERENCES users(id),
    text TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    address TEXT,
    status TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    due_date DATE,
    routing_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_status ON messages(status, id);
CREATE INDEX messages_topic ON messages(topic_id, id);
CREATE INDEX messages_organisation ON messages(organisation_id, id);
CREATE INDEX messages_author ON messages(author_id, id);
CREATE INDEX messages_due ON messages(due_date);

CREATE TABLE message_events (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    at TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    comment TEXT,
    public BOOLEAN NOT NULL
);
CREATE INDEX message_events_message ON message_events(message_id, id);

-- Durable background work; a job is claimed with a lease, deleted when done.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    dead BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs(dead, run_at);
