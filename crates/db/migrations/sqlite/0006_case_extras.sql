-- What the full life of a case needs beyond 0005: the administrators' edits
-- to the production calendar, the register of houses and their management
-- companies, files attached to messages, followers, copies of appeals.

-- An administrator's correction of the shipped federal calendar (a regional
-- holiday, a new year's decree); it wins over the shipped day.
CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL
);

-- Apartment buildings and who manages each: a management company's topics
-- go to the company of the house, whatever the district's default.
CREATE TABLE houses (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    address TEXT NOT NULL,
    -- The address folded for matching what residents type.
    address_key TEXT NOT NULL UNIQUE,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    manager_id INTEGER REFERENCES organisations(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX houses_point ON houses(lat, lon);
CREATE INDEX houses_manager ON houses(manager_id);

ALTER TABLE messages ADD COLUMN house_id INTEGER REFERENCES houses(id);
-- A copy of an appeal sent to another competent body (59-FZ art. 8 p. 3).
ALTER TABLE messages ADD COLUMN copy_of INTEGER REFERENCES messages(id);
-- Why an appeal got no answer on the merits (59-FZ art. 11).
ALTER TABLE messages ADD COLUMN no_merits_ground TEXT;
CREATE INDEX messages_copy_of ON messages(copy_of);
CREATE INDEX messages_duplicate_of ON messages(duplicate_of);

-- Files of a message: the organisation's answer documents (published with
-- the answer's event; until then only staff see them) and residents' photos.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    purpose TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    event_id INTEGER REFERENCES message_events(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id, id);

-- People who get a message's notices besides its author ("me too", merged
-- duplicates).
CREATE TABLE message_followers (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_followers_user ON message_followers(user_id);

-- How staff take case news by e-mail: 'digest' (once a day), 'each', 'none'.
ALTER TABLE users ADD COLUMN staff_mail TEXT NOT NULL DEFAULT 'digest';
