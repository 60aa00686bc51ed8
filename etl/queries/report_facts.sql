-- One report's facts, in text order.
SELECT seq, indicator, value, unit, approx, method, confidence, evidence, char_start, char_end, rule
FROM v_facts
WHERE report_id = $report_id
ORDER BY char_start, seq
