-- Refresh the materialised effective tables (schema.sql) from their live views, for the reports in $ids, or
-- for every report when $ids is NULL. Run by etl/warehouse.py inside the transaction of the write it follows
-- (statement by statement: no semicolons in comments here).
DELETE FROM reports_eff WHERE $ids IS NULL OR list_contains($ids, report_id);
INSERT INTO reports_eff SELECT * FROM v_reports_live WHERE $ids IS NULL OR list_contains($ids, report_id);
DELETE FROM facts_extracted_eff WHERE $ids IS NULL OR list_contains($ids, report_id);
INSERT INTO facts_extracted_eff
SELECT * FROM v_facts_extracted_live WHERE $ids IS NULL OR list_contains($ids, report_id);
DELETE FROM facts_eff WHERE $ids IS NULL OR list_contains($ids, report_id);
INSERT INTO facts_eff SELECT * FROM v_facts_live WHERE $ids IS NULL OR list_contains($ids, report_id);
