-- The public map's box queries.
CREATE INDEX messages_place ON messages(lat, lon);
