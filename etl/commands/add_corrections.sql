-- Mirror corrections just appended to the corrections store (etl/corrections_store.py) into a writable
-- warehouse, with the ids the store gave them: the rows are registered as `_rows`, one INSERT for all.
INSERT INTO corrections (correction_id, uid, report_id, content_hash, target, field, indicator, char_start,
                         char_end, action, new_text, new_value, new_unit, new_indicator, old_text, evidence,
                         evidence_start, span_text, reviewer, reason, created_at)
SELECT correction_id, uid, report_id, content_hash, target, field, indicator, char_start, char_end, action,
       new_text, new_value, new_unit, new_indicator, old_text, evidence, evidence_start,
       span_text, reviewer, reason, created_at
FROM _rows
