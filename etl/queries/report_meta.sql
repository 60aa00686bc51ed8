-- One report's metadata with the source of each field (by id; not filtered, a link must always open it).
SELECT report_id, title, file_name, fmt, encoding, source, char_count, agency, agency_src, agency_type,
       agency_type_src, level, level_src, province, province_src, city, city_src, county, county_src, year,
       year_src, published, published_src, url, url_src, meta_evidence, on_time, has_achievements, has_problems,
       has_first_responsible, has_next_year_plan, needs_review, review_reasons, content_hash, ingested_at
FROM v_reports
WHERE report_id = $report_id
