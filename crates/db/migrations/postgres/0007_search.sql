-- Full-text search of messages with the russian text search configuration.
-- Tables named search_* are backend-specific and left out of the portable
-- schema check.
CREATE TABLE search_messages (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id),
    document TSVECTOR NOT NULL
);
CREATE INDEX search_messages_document ON search_messages USING GIN (document);
