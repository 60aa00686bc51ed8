-- Coverage of the 法治政府建设实施纲要 areas per report of the year $rank_year under the filter: the share of the
-- text under headings that name each area, and those headings. The heading → area table and the choice of
-- headings are those of compare_areas.sql (keep the two alike).
WITH kw(area, prio, pattern) AS (VALUES
    ('disputes', 1, '矛盾|纠纷|调解|复议|应诉|诉讼|信访'),
    ('enforcement', 2, '执法|处罚|三项制度'),
    ('decisions', 3, '决策|法律顾问|合同'),
    ('rules', 4, '规范性文件|制度建设|立法|规章|备案'),
    ('oversight', 5, '监督|公开|人大|政协|审计|问责'),
    ('functions', 6, '职能|放管服|营商环境|审批|政务服务|权责清单'),
    ('legal_services', 7, '法律援助|法律服务|法律咨询|公证'),
    ('education', 8, '普法|宣传|学法|培训|法治意识|示范')
),
secs AS (
    SELECT s.report_id, s.seq, s.heading, s.char_start, s.char_end, s.char_end - s.char_start AS chars,
           min(s.depth) OVER (PARTITION BY s.report_id) AS top_depth, s.depth
    FROM v_sections s JOIN v_reports r USING (report_id)
    WHERE r.year = $rank_year AND {{report_filter}}
),
leaf AS (   -- second-level headings when the report has them, else its first level
    SELECT * FROM secs
    WHERE depth = (SELECT coalesce(min(depth), 1) FROM secs x
                   WHERE x.report_id = secs.report_id AND x.depth > secs.top_depth)
       OR NOT EXISTS (SELECT 1 FROM secs x WHERE x.report_id = secs.report_id AND x.depth > secs.top_depth)
),
tagged AS (
    SELECT l.*, (SELECT k.area FROM kw k WHERE regexp_matches(l.heading, k.pattern) ORDER BY k.prio LIMIT 1) AS area
    FROM leaf l
)
SELECT t.report_id, t.area, sum(t.chars)::BIGINT AS chars,
       100.0 * sum(t.chars) / nullif(any_value(r.char_count), 0) AS share,
       string_agg(t.heading, ' | ' ORDER BY t.seq) AS headings, min(t.char_start) AS char_start,
       max(t.char_end) AS char_end
FROM tagged t JOIN v_reports r USING (report_id)
WHERE t.area IS NOT NULL
GROUP BY t.report_id, t.area
ORDER BY t.report_id, t.area
