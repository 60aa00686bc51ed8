-- Append many corrections at once (a CSV import): the rows are registered as `_rows`, one INSERT for all.
INSERT INTO corrections (uid, report_id, content_hash, target, field, indicator, char_start, char_end, action,
                         new_text, new_value, new_unit, new_indicator, old_text, evidence, evidence_start,
                         span_text, reviewer, reason, created_at)
SELECT uid, report_id, content_hash, target, field, indicator, char_start, char_end, action,
       new_text, new_value, new_unit, new_indicator, old_text, evidence, evidence_start,
       span_text, reviewer, reason, created_at
FROM _rows
