-- Every correction, oldest first: what `corrections export` writes and what an import is merged against.
SELECT correction_id, uid, report_id, content_hash, target, field, indicator, char_start, char_end, action,
       new_text, new_value, new_unit, new_indicator, old_text, evidence, evidence_start, span_text, reviewer,
       reason, created_at
FROM corrections
ORDER BY created_at, correction_id
