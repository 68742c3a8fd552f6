-- The public list filtered by territory, newest first: a keyset scan like
-- the topic, organisation and status filters have, instead of walking every
-- message by id and keeping those of the territory (slow for a small one).
CREATE INDEX messages_territory ON messages(territory_id, id);
