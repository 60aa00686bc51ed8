"""Pure pandas shaping for the pages: coverage matrix, trend series, peer statistics, rankings, comparisons."""
from __future__ import annotations

import numpy as np
import pandas as pd

PRESENT, LATE, UNDATED, MISSING = "present", "late", "undated", "missing"
# A reviewed value's mark in a compare cell (the caption explains them); an unreviewed value has none.
REVIEW_MARKS = {"confirmed": " ✓", "corrected": " ✎", "added": " ＋"}


def coverage_matrix(cov: pd.DataFrame, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """Agency × year status: present (on time), late, undated (no publication date) or missing.

    Years run over the filter's range, else over the years any report covers; reports of unknown agency or
    year cannot be placed and are left out (the quality page lists them).
    """
    cov = cov.dropna(subset=["agency", "year"])
    if cov.empty:
        return pd.DataFrame()
    lo = int(year_from) if year_from is not None else int(cov["year"].min())
    hi = int(year_to) if year_to is not None else int(cov["year"].max())
    years = list(range(lo, hi + 1))

    # Vectorised (a national warehouse has ~100,000 agencies): the last report of an agency-year wins.
    on_time = cov["on_time"]
    undated = on_time.isna()
    status = np.where(undated, UNDATED, np.where(on_time.fillna(False).astype(bool), PRESENT, LATE))
    cells = (pd.DataFrame({"agency": cov["agency"].to_numpy(), "year": cov["year"].astype(int).to_numpy(),
                           "status": status})
             .drop_duplicates(["agency", "year"], keep="last"))
    cells = cells[cells["year"].isin(years)]
    agencies = sorted(cov["agency"].unique())
    matrix = cells.pivot(index="agency", columns="year", values="status").reindex(index=agencies, columns=years)
    matrix = matrix.fillna(MISSING)
    matrix.index.name = "agency"
    matrix.columns = pd.Index(years)
    return matrix


def trend_series(facts: pd.DataFrame, entity: str = "agency", years: list[int] | None = None) -> pd.DataFrame:
    """One row per entity and year over the full year span: value NaN where no report states one (a gap)."""
    if facts.empty:
        return pd.DataFrame(columns=[entity, "year", "value", "approx", "method", "evidence", "report_id"])
    df = facts.dropna(subset=[entity, "year"]).copy()
    df["year"] = df["year"].astype(int)
    span = years or list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    grid = pd.MultiIndex.from_product([sorted(df[entity].unique()), span], names=[entity, "year"])
    keep = [c for c in ("value", "unit", "approx", "method", "confidence", "evidence", "report_id", "status",
                        "extracted_value", "reviewer", "n_values", "review", "seq") if c in df]
    out = df.set_index([entity, "year"])[keep]
    out = out[~out.index.duplicated()].reindex(grid).reset_index()
    return out


def peer_stats(facts: pd.DataFrame, group: str) -> pd.DataFrame:
    """Median and quartiles per (group, level, agency type, year) over comparable agencies, never a sum."""
    cols = [group, "level", "agency_type", "year"]
    df = facts.dropna(subset=[*cols, "value"])
    if df.empty:
        return pd.DataFrame(columns=[*cols, "n", "q1", "median", "q3"])
    g = df.groupby(cols)["value"]
    out = pd.DataFrame({"n": g.size(), "q1": g.quantile(0.25), "median": g.median(), "q3": g.quantile(0.75)})
    return out.reset_index()


def ranking(base: pd.DataFrame, year: int, sort_by: str = "value") -> pd.DataFrame:
    """Rank agencies of one peer group in `year` by value, or by change since the year before.

    Ties share a rank (competition ranking 1, 1, 3) and are flagged; agencies with a report but no value, or
    no value the year before for a change, are kept at the bottom with rank NaN and status 'missing'.
    """
    cols = ["agency", "rank", "value", "previous", "change", "tie", "status", "review_status", "extracted_value",
            "reviewer", "n_values", "approx", "method", "evidence", "report_id", "unit", "seq"]
    if base.empty:
        return pd.DataFrame(columns=cols)
    # 'status' here is the ranking's (ok, tie, missing); the value's review status travels as review_status.
    base = base.rename(columns={"status": "review_status"})
    now = base[base["year"] == year].drop_duplicates("agency").set_index("agency")
    before = base[base["year"] == year - 1].drop_duplicates("agency").set_index("agency")["value"]
    df = now.copy()
    df["previous"] = before.reindex(df.index)
    df["change"] = df["value"] - df["previous"]
    key = "change" if sort_by == "change" else "value"
    df["rank"] = df[key].rank(method="min", ascending=False)
    df["tie"] = df[key].notna() & df.duplicated(subset=[key], keep=False)
    df["status"] = np.where(df[key].isna(), "missing", np.where(df["tie"], "tie", "ok"))
    df = df.reset_index().sort_values(["rank", "agency"], na_position="last")
    return df[[c for c in cols if c in df]].reset_index(drop=True)


def compare_table(values: pd.DataFrame, year: int, names: dict[str, str]) -> pd.DataFrame:
    """Indicator × agency for one year: the value with its unit, '约' for approximate, '(推算)' for derived."""
    df = values[values["year"] == year]
    if df.empty:
        return pd.DataFrame()

    def cell(r) -> str:
        v = r["value"]
        text = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"
        return ("≈" if r["approx"] else "") + text + str(r["unit"]) + ("*" if r["method"] == "derived" else "") + \
            REVIEW_MARKS.get(r.get("status"), "")

    df = df.assign(cell=df.apply(cell, axis=1), indicator_name=df["indicator"].map(lambda c: names.get(c, c)))
    return df.pivot_table(index="indicator_name", columns="agency", values="cell", aggfunc="first").fillna("—")


def area_shares(areas: pd.DataFrame) -> pd.DataFrame:
    """Mean share of text per area and agency over the agency's reports (0–1); areas with no text are 0."""
    if areas.empty:
        return pd.DataFrame(columns=["agency", "area", "share", "reports"])
    reports = areas.groupby("agency")["report_id"].nunique()
    total = areas.groupby(["agency", "area"])["share"].sum().unstack(fill_value=0.0)
    mean = total.div(reports, axis=0).stack().rename("share").reset_index()
    mean["reports"] = mean["agency"].map(reports)
    return mean


def highlight_segments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Split text into (segment, fact-key or None) so that each extracted number is its own segment.

    Overlapping or out-of-range spans are skipped: the text is shown whole whatever the offsets say.
    """
    out: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, key in sorted(spans):
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], key))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out
