-- One report's effective metadata with what was extracted, its review status and its content hash.
SELECT * FROM v_reports WHERE report_id = $report_id
