-- Facts under the filter for export, each with its report's metadata and evidence.
SELECT f.report_id, r.file_name, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year,
       f.indicator, f.value, f.unit, f.approx, f.method, f.confidence, f.status, f.evidence, f.char_start, f.char_end
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE {{report_filter}}
ORDER BY r.year NULLS LAST, r.agency NULLS LAST, f.report_id, f.seq
