-- The latest ingest log lines, newest first.
SELECT file_name, status, reason, code, report_id, logged_at
FROM ingest_log
ORDER BY log_id DESC
LIMIT $limit
