-- One number that moves with every change to the reference data intake reads
-- for each message (the catalogue, the routing rules, organisations,
-- territories, the calendar's corrections, the classifier's models), so
-- that a node can keep that data in memory and read only this number per
-- message: never older than the database's, however many nodes run.
CREATE TABLE reference_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO reference_version (id, version) VALUES (1, 0);

CREATE FUNCTION move_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reference_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER categories_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
CREATE TRIGGER topics_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON topics
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
CREATE TRIGGER routing_rules_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_rules
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
CREATE TRIGGER organisations_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
CREATE TRIGGER territories_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON territories
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
CREATE TRIGGER calendar_days_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
CREATE TRIGGER routing_models_moves_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_models
FOR EACH STATEMENT EXECUTE FUNCTION move_reference_version();
