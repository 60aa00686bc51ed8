-- How many synthetic (generated, not real) reports the current filter shows: the pages warn when > 0.
SELECT count(*) AS n FROM v_reports r WHERE r.source = 'synthetic' AND {{report_filter}}
