-- The warehouse schema, declared once. Loaded by etl/warehouse.py; every statement is idempotent.

CREATE TABLE IF NOT EXISTS reports (
    report_id        VARCHAR PRIMARY KEY,          -- first 16 hex digits of content_hash
    content_hash     VARCHAR NOT NULL UNIQUE CHECK (length(content_hash) = 64),
    file_name        VARCHAR NOT NULL,
    fmt              VARCHAR NOT NULL CHECK (fmt IN ('txt', 'html', 'docx', 'pdf')),
    encoding         VARCHAR,
    source           VARCHAR NOT NULL DEFAULT 'real' CHECK (source IN ('real', 'synthetic')),
    raw_text         VARCHAR NOT NULL,             -- normalised text; every offset points into it
    char_count       INTEGER NOT NULL CHECK (char_count >= 0),
    title            VARCHAR,
    agency           VARCHAR,
    agency_src       VARCHAR CHECK (agency_src IN ('title', 'body', 'manifest', 'inferred')),
    agency_type      VARCHAR,
    agency_type_src  VARCHAR CHECK (agency_type_src IN ('title', 'body', 'manifest', 'inferred')),
    level            VARCHAR CHECK (level IN ('provincial', 'municipal', 'county')),
    level_src        VARCHAR CHECK (level_src IN ('title', 'body', 'manifest', 'inferred')),
    province         VARCHAR,
    province_src     VARCHAR CHECK (province_src IN ('title', 'body', 'manifest', 'inferred')),
    city             VARCHAR,
    city_src         VARCHAR CHECK (city_src IN ('title', 'body', 'manifest', 'inferred')),
    county           VARCHAR,
    county_src       VARCHAR CHECK (county_src IN ('title', 'body', 'manifest', 'inferred')),
    year             INTEGER CHECK (year BETWEEN 1990 AND 2100),
    year_src         VARCHAR CHECK (year_src IN ('title', 'body', 'manifest', 'inferred')),
    published        DATE,
    published_src    VARCHAR CHECK (published_src IN ('title', 'body', 'manifest', 'inferred')),
    url              VARCHAR,
    url_src          VARCHAR CHECK (url_src IN ('title', 'body', 'manifest', 'inferred')),
    meta_evidence    VARCHAR,                      -- JSON {field: text that settled it}
    has_achievements      BOOLEAN NOT NULL,
    has_problems          BOOLEAN NOT NULL,
    has_first_responsible BOOLEAN NOT NULL,
    has_next_year_plan    BOOLEAN NOT NULL,
    on_time          BOOLEAN,                      -- NULL when there is no publication date
    needs_review     BOOLEAN NOT NULL,
    review_reasons   VARCHAR NOT NULL DEFAULT '',  -- comma-separated unknown fields
    parser_version   VARCHAR NOT NULL,
    manifest_json    VARCHAR,                      -- the manifest row that overrode fields, kept for rebuild
    ingested_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS sections (
    report_id   VARCHAR NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    depth       INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 4),
    heading     VARCHAR NOT NULL,
    part        VARCHAR CHECK (part IN ('achievements', 'problems', 'first_responsible', 'next_year_plan')),
    char_start  INTEGER NOT NULL CHECK (char_start >= 0),
    char_end    INTEGER NOT NULL CHECK (char_end >= char_start),
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE IF NOT EXISTS indicators (
    code     VARCHAR PRIMARY KEY,
    name_zh  VARCHAR NOT NULL,
    name_en  VARCHAR NOT NULL,
    unit     VARCHAR NOT NULL,
    area     VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL CHECK (kind IN ('count', 'rate', 'money'))
);

CREATE TABLE IF NOT EXISTS facts (
    report_id      VARCHAR NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 0),
    indicator      VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    unit           VARCHAR NOT NULL,
    approx         BOOLEAN NOT NULL,
    evidence       VARCHAR NOT NULL CHECK (length(evidence) > 0),
    evidence_start INTEGER NOT NULL CHECK (evidence_start >= 0),
    char_start     INTEGER NOT NULL CHECK (char_start >= 0),
    char_end       INTEGER NOT NULL CHECK (char_end > char_start),
    method         VARCHAR NOT NULL CHECK (method IN ('reported', 'derived')),
    confidence     VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    rule           VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE IF NOT EXISTS fact_checks (
    report_id  VARCHAR NOT NULL,
    indicator  VARCHAR NOT NULL,
    reported   DOUBLE NOT NULL,
    computed   DOUBLE NOT NULL,
    detail     VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS ingest_log_seq;
CREATE TABLE IF NOT EXISTS ingest_log_t (
    log_id     BIGINT PRIMARY KEY DEFAULT nextval('ingest_log_seq'),
    file_name  VARCHAR NOT NULL,
    status     VARCHAR NOT NULL CHECK (status IN ('ingested', 'unchanged', 'failed')),
    reason     VARCHAR,                            -- bilingual 'zh / en', NULL when fine
    code       VARCHAR,                            -- stable reason code, e.g. 'empty'
    report_id  VARCHAR,
    logged_at  TIMESTAMP NOT NULL
);

-- Public views: a contract for the dashboard and outside tools. Add columns, never remove them.
CREATE OR REPLACE VIEW v_reports AS
SELECT report_id, file_name, agency, agency_type, level, province, city, county, year, published,
       on_time, has_achievements, has_problems, has_first_responsible, has_next_year_plan,
       char_count, needs_review, review_reasons, source, title, url, fmt, encoding, content_hash,
       agency_src, agency_type_src, level_src, province_src, city_src, county_src, year_src,
       published_src, url_src, meta_evidence, ingested_at
FROM reports;

CREATE OR REPLACE VIEW v_sections AS
SELECT s.report_id, s.seq, s.depth, s.heading, s.part, s.char_start, s.char_end,
       substring(r.raw_text, s.char_start + 1, s.char_end - s.char_start) AS text
FROM sections s JOIN reports r USING (report_id);

CREATE OR REPLACE VIEW v_facts AS
SELECT f.report_id, r.file_name, f.indicator, f.value, f.unit, f.approx, f.evidence,
       f.char_start, f.char_end, f.method, f.confidence, f.seq, f.evidence_start, f.rule,
       r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year, r.source
FROM facts f JOIN reports r USING (report_id);

CREATE OR REPLACE VIEW ingest_log AS
SELECT file_name, status, COALESCE(reason, '') AS reason, logged_at, code, report_id, log_id
FROM ingest_log_t;
