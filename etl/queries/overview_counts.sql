-- Headline counts under the standard filter: reports, agencies, regions (province/city/county), years, facts.
SELECT count(*) AS reports,
       count(DISTINCT r.agency) AS agencies,
       count(DISTINCT concat_ws('/', r.province, r.city, r.county)) FILTER (WHERE r.province IS NOT NULL) AS regions,
       count(DISTINCT r.year) AS years,
       coalesce(sum((SELECT count(*) FROM v_facts f WHERE f.report_id = r.report_id)), 0)::BIGINT AS facts,
       count(*) FILTER (WHERE r.source = 'synthetic') AS synthetic
FROM v_reports r
WHERE {{report_filter}}
