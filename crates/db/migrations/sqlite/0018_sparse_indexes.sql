-- Only some messages have an author (the widget, Open311 and API clients may
-- send without an account), and almost none is a copy or a duplicate. These
-- indexes keep only the messages that have one: a message taken in without
-- them writes nothing into them, and the database is smaller by as much. A
-- lookup by value (x = ?) implies x IS NOT NULL, so both backends still use
-- them for it, foreign-key checks included.
DROP INDEX messages_author;
CREATE INDEX messages_author ON messages(author_id, id) WHERE author_id IS NOT NULL;
DROP INDEX messages_copy_of;
CREATE INDEX messages_copy_of ON messages(copy_of) WHERE copy_of IS NOT NULL;
DROP INDEX messages_duplicate_of;
CREATE INDEX messages_duplicate_of ON messages(duplicate_of) WHERE duplicate_of IS NOT NULL;
