-- The full-text index keeps only which messages have each stem. A search
-- matches whole stems joined by AND (see `search::Matching`): it needs no
-- positions (detail=none), no copy of the stems beside the index
-- (contentless, with deletions allowed for a message that changes), and no
-- Unicode tokenizer for text the application has already folded, stemmed
-- and joined with spaces (`ascii` splits at ASCII separators and keeps every
-- other character).
CREATE VIRTUAL TABLE search_messages_lean USING fts5(
    stems, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
);
INSERT INTO search_messages_lean (rowid, stems) SELECT rowid, stems FROM search_messages;
DROP TABLE search_messages;
ALTER TABLE search_messages_lean RENAME TO search_messages;
