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
CREATE TRIGGER categories_insert_moves_reference AFTER INSERT ON categories
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_update_moves_reference AFTER UPDATE ON categories
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_delete_moves_reference AFTER DELETE ON categories
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER topics_insert_moves_reference AFTER INSERT ON topics
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER topics_update_moves_reference AFTER UPDATE ON topics
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER topics_delete_moves_reference AFTER DELETE ON topics
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_rules_insert_moves_reference AFTER INSERT ON routing_rules
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_rules_update_moves_reference AFTER UPDATE ON routing_rules
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_rules_delete_moves_reference AFTER DELETE ON routing_rules
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER organisations_insert_moves_reference AFTER INSERT ON organisations
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER organisations_update_moves_reference AFTER UPDATE ON organisations
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER organisations_delete_moves_reference AFTER DELETE ON organisations
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER territories_insert_moves_reference AFTER INSERT ON territories
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER territories_update_moves_reference AFTER UPDATE ON territories
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER territories_delete_moves_reference AFTER DELETE ON territories
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_days_insert_moves_reference AFTER INSERT ON calendar_days
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_days_update_moves_reference AFTER UPDATE ON calendar_days
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER calendar_days_delete_moves_reference AFTER DELETE ON calendar_days
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_models_insert_moves_reference AFTER INSERT ON routing_models
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_models_update_moves_reference AFTER UPDATE ON routing_models
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER routing_models_delete_moves_reference AFTER DELETE ON routing_models
BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
