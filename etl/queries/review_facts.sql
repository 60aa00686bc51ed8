-- One report's facts for review, in text order: extracted ones (rejected included) with the effective value,
-- and facts added by reviewers. key_indicator and the span name a fact for corrections.
SELECT report_id, seq, indicator AS key_indicator, COALESCE(new_indicator, indicator) AS indicator,
       COALESCE(new_value, value) AS value, COALESCE(new_unit, unit) AS unit, value AS extracted_value,
       unit AS extracted_unit, approx, method, confidence, evidence, evidence_start, char_start, char_end, status,
       reviewer, reviewed_at
FROM v_facts_extracted WHERE report_id = $report_id
UNION ALL
SELECT report_id, seq, key_indicator, indicator, value, unit, NULL, NULL, approx, method, confidence, evidence,
       evidence_start, char_start, char_end, status, reviewer, reviewed_at
FROM v_facts WHERE report_id = $report_id AND status = 'added'
ORDER BY char_start, seq
