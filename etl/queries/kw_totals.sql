-- Reports and characters under the filter: the base of the per-10,000-characters rates.
SELECT count(*) AS reports, CAST(COALESCE(sum(r.char_count), 0) AS BIGINT) AS chars
FROM v_reports r WHERE {{report_filter}}
