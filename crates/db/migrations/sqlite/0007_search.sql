-- Full-text search of messages: stems computed by the application (FTS5 has
-- no Russian stemmer); the row id is the message's id. Tables named
-- search_* are backend-specific and left out of the portable schema check.
CREATE VIRTUAL TABLE search_messages USING fts5(stems, tokenize = 'unicode61 remove_diacritics 0');
