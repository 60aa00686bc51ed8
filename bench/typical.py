"""Typical parameters for each named query, as the pages send them, for latency benchmarks."""
from __future__ import annotations

import re

# Values a user typically picks; filters left empty mean "everything", the heaviest case.
QUERY_PARAMS: dict[str, object] = {
    "indicator": "mediation_cases", "codes": ["mediation_cases", "legal_aid_cases", "admin_review_cases"],
    "year": 2022, "rank_year": 2022, "term": "行政复议", "terms": ["行政复议", "法治政府", "放管服"],
    "limit": 50, "width": 30, "dim": "province", "split": "province", "peer_type": "justice",
    "peer_level": "county", "pick": [], "exclude": [], "value": None,
}


def params_for(sql: str, context: dict[str, object]) -> dict[str, object]:
    """The parameters a query names, from `context` first, then QUERY_PARAMS; filters take their defaults."""
    out = {}
    for name in set(re.findall(r"\$([a-z_]+)", sql)):
        if name in context:
            out[name] = context[name]
        elif name in QUERY_PARAMS:
            out[name] = QUERY_PARAMS[name]
    return out
