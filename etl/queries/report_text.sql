-- The stored text of one report: every fact and section offset points into it.
SELECT raw_text FROM reports WHERE report_id = $report_id
