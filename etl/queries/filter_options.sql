-- Distinct filter values over all reports (the sidebar's choices; not filtered by itself).
SELECT DISTINCT year, province, city, level, agency_type, agency
FROM v_reports
ORDER BY year, province, city, level, agency_type, agency
