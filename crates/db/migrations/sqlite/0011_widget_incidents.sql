-- The «Сообщить о проблеме» widget on organisations' own sites, and posts
-- from social networks pushed by monitoring tools for the regional centre.

-- Sites (origins: scheme, host, port) allowed to frame an organisation's widget.
CREATE TABLE widget_origins (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    origin TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX widget_origins_unique ON widget_origins(organisation_id, origin);

-- How an organisation's widget looks and what it presets.
CREATE TABLE widget_settings (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations(id),
    topic_id INTEGER REFERENCES topics(id),
    lang TEXT NOT NULL,
    background TEXT NOT NULL,
    color TEXT NOT NULL,
    button_text TEXT NOT NULL,
    mode TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL
);

-- A post found in a social network. `url` is normalised and unique: a post
-- pushed twice is one incident. `author_handle` is personal data.
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    url TEXT NOT NULL UNIQUE,
    author_handle TEXT NOT NULL,
    text TEXT NOT NULL,
    posted_at TIMESTAMP NOT NULL,
    lat REAL,
    lon REAL,
    photos TEXT NOT NULL,
    status TEXT NOT NULL,
    api_key_id INTEGER REFERENCES api_keys(id),
    received_at TIMESTAMP NOT NULL,
    message_id INTEGER REFERENCES messages(id),
    dismiss_reason TEXT,
    decided_by INTEGER REFERENCES users(id),
    decided_at TIMESTAMP
);
CREATE INDEX incidents_queue ON incidents(status, id);
CREATE INDEX incidents_message ON incidents(message_id);
