-- One report's outline.
SELECT seq, depth, heading, part, char_start, char_end
FROM v_sections
WHERE report_id = $report_id
ORDER BY seq
