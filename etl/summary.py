"""The one printer of an ingest summary, shared by the `ingest`, `rebuild` and `fetch --ingest` commands."""
from __future__ import annotations

import sys


def print_summary(s, out=None) -> None:
    """ingested / unchanged / failed counts, then every failure, replacement and data-check failure."""
    out = out or sys.stdout  # looked up per call: a default bound at import would miss redirection
    print(f"ingested: {len(s.ingested)}  unchanged: {len(s.unchanged)}  failed: {len(s.failed)}", file=out)
    for name, reason in s.failed:
        print(f"  FAILED {name}: {reason}", file=out)
    for key, old, new in s.replaced:
        print(f"  REPLACED {key}: report {old} by its new version {new}", file=out)
    for check, rows in s.check_failures.items():
        print(f"  DATA CHECK {check}: {len(rows)} row(s) break the rule, e.g. {rows[0]}", file=out)
