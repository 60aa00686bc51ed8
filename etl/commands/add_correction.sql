-- Append one reviewer's correction (etl/corrections.py builds and validates it). Corrections are never updated.
INSERT INTO corrections (uid, report_id, content_hash, target, field, indicator, char_start, char_end, action,
                         new_text, new_value, new_unit, new_indicator, old_text, evidence, evidence_start,
                         span_text, reviewer, reason, created_at)
VALUES ($uid, $report_id, $content_hash, $target, $field, $indicator, $char_start, $char_end, $action,
        $new_text, $new_value, $new_unit, $new_indicator, $old_text, $evidence, $evidence_start,
        $span_text, $reviewer, $reason, $created_at)
