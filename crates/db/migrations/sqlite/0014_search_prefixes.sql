-- Prefix indexes for the search's typed-word queries («"ям"*»): with one for
-- the prefix's length FTS5 reads a single list of rows, newest first, and
-- stops after a page; without, it merges the lists of every word that starts
-- so before it returns a row. The stems and the tokenizer stay as they were.
CREATE VIRTUAL TABLE search_messages_prefixed USING fts5(
    stems, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);
INSERT INTO search_messages_prefixed (rowid, stems) SELECT rowid, stems FROM search_messages;
DROP TABLE search_messages;
ALTER TABLE search_messages_prefixed RENAME TO search_messages;
INSERT INTO search_messages (search_messages) VALUES ('optimize');
