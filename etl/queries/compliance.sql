-- Share of reports (0–1) with each of the four required parts, and share published on time (of those dated).
SELECT count(*) AS reports,
       avg(r.has_achievements::INT) AS achievements,
       avg(r.has_problems::INT) AS problems,
       avg(r.has_first_responsible::INT) AS first_responsible,
       avg(r.has_next_year_plan::INT) AS next_year_plan,
       avg(r.on_time::INT) AS on_time,
       count(r.on_time) AS dated
FROM v_reports r
WHERE {{report_filter}}
