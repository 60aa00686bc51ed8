-- No section, fact or term without its report (the warehouse never holds half a report).
SELECT 'sections' AS t, report_id FROM sections WHERE report_id NOT IN (SELECT report_id FROM reports)
UNION ALL
SELECT 'facts', report_id FROM facts WHERE report_id NOT IN (SELECT report_id FROM reports)
UNION ALL
SELECT 'terms', report_id FROM terms WHERE report_id NOT IN (SELECT report_id FROM reports);
