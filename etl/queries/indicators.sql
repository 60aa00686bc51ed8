-- The indicator catalogue as loaded into the warehouse, with how many facts each has under the filter.
SELECT i.code, i.name_zh, i.name_en, i.unit, i.area, i.kind,
       (SELECT count(*) FROM v_facts f JOIN v_reports r USING (report_id)
        WHERE f.indicator = i.code AND {{report_filter}}) AS n_facts
FROM indicators i
ORDER BY i.area, i.code
