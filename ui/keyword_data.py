"""Keyword page data: cached query wrappers, log-odds distinctive terms, co-occurrence and the figures (pure)."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from etl.segment import Tokenizer, load_stopwords
from etl.terms import sentence_terms
from ui.db import current_signature, run_query, warehouse_path

DIMENSIONS = ("agency", "province", "city", "agency_type", "level", "year")
SPLITS = ("none", "province", "agency_type", "level")
PRIOR_SIZE = 1000.0  # α0 of the informative Dirichlet prior: the prior is worth this many term occurrences
KWIC_WIDTH = 30
KWIC_LIMIT = 500
SENTENCE_LIMIT = 5000  # co-occurrence reads at most this many sentences (about 50 ms of segmenting)
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


# ---- data ---------------------------------------------------------------------------------------------
def genre_stopwords() -> list[str]:
    """The switchable boilerplate list (etl/catalog/dict/stopwords_genre.txt), sorted for stable cache keys."""
    return sorted(load_stopwords(genre=True))


def _exclude(hide_genre: bool) -> list[str]:
    return genre_stopwords() if hide_genre else []


def top_terms(filters: dict[str, Any], hide_genre: bool = True, limit: int = 30) -> pd.DataFrame:
    """term, n, per_10k, reports, share (of the filtered reports that mention it)."""
    return run_query("kw_top_terms", {**filters, "exclude": _exclude(hide_genre), "limit": int(limit)})


def report_totals(filters: dict[str, Any]) -> dict[str, int]:
    """Reports and characters under the filter."""
    df = run_query("kw_totals", filters)
    if df.empty:
        return {"reports": 0, "chars": 0}
    return {"reports": int(df["reports"].iat[0]), "chars": int(df["chars"].iat[0])}


def vocabulary(filters: dict[str, Any], hide_genre: bool = True, limit: int = 500) -> list[str]:
    """The most frequent terms under the filter: the choices of the term pickers."""
    df = top_terms(filters, hide_genre, limit)
    return [] if df.empty else df["term"].tolist()


def trend(filters: dict[str, Any], terms: Sequence[str], split: str = "none") -> pd.DataFrame:
    """term, year, grp, n, reports_with, reports, chars, per_10k: one row per term × year × group."""
    if not terms:
        return pd.DataFrame(columns=["term", "year", "grp", "n", "reports_with", "reports", "chars", "per_10k"])
    return run_query("kw_trend", {**filters, "terms": list(terms), "split": split})


def group_values(filters: dict[str, Any], dim: str) -> pd.DataFrame:
    return run_query("kw_group_values", {**filters, "dim": dim})


def distinctive(filters: dict[str, Any], dim: str, value: str, hide_genre: bool = True, top: int = 30,
                prior_size: float = PRIOR_SIZE) -> pd.DataFrame:
    """The terms the group (dim = value) uses more than the rest of the filtered reports, by z-score."""
    counts = run_query("kw_group_counts", {**filters, "dim": dim, "value": str(value),
                                            "exclude": _exclude(hide_genre)})
    scored = log_odds(counts, prior_size)
    return scored[scored["z"] > 0].head(top).reset_index(drop=True)


def kwic(filters: dict[str, Any], term: str, width: int = KWIC_WIDTH, limit: int = KWIC_LIMIT) -> pd.DataFrame:
    """report_id, agency, year, file_name, char_start, left_ctx, keyword, right_ctx, total."""
    term = (term or "").strip()
    if not term:
        return pd.DataFrame(columns=["report_id", "agency", "year", "file_name", "char_start", "left_ctx",
                                     "keyword", "right_ctx", "total"])
    return run_query("kw_kwic", {**filters, "term": term, "width": int(width), "limit": int(limit)})


def sentences(filters: dict[str, Any], term: str) -> pd.DataFrame:
    """report_id, sentence: the sentences of the filtered reports that contain `term` (at most SENTENCE_LIMIT)."""
    return run_query("kw_sentences", {**filters, "term": term, "limit": SENTENCE_LIMIT})


def sentence_count(filters: dict[str, Any], term: str) -> int:
    term = (term or "").strip()
    return len(sentences(filters, term)) if term else 0


@st.cache_resource(max_entries=1)
def tokenizer() -> Tokenizer:
    # One per server process (~0.3 s to load the dictionary); rjieba instances are read-only after loading.
    return Tokenizer.load()


def cooccurrence(filters: dict[str, Any], term: str, hide_genre: bool = True, top: int = 30) -> pd.DataFrame:
    """term, sentences (sharing one with the chosen term), share of the chosen term's sentences."""
    term = (term or "").strip()
    sig = current_signature()
    if not term or sig is None:
        return pd.DataFrame(columns=["term", "sentences", "share"])
    params = json.dumps(filters, sort_keys=True, ensure_ascii=False, default=str)
    return _cooccurrence(params, term, hide_genre, int(top), warehouse_path(), sig)


@st.cache_data(max_entries=64, show_spinner=False)
def _cooccurrence(params_json: str, term: str, hide_genre: bool, top: int, path: str, signature) -> pd.DataFrame:
    # Computed on the fly from the sentences that mention the term: storing every sentence's terms would
    # multiply the warehouse size for one panel, while segmenting a few thousand sentences takes ~50 ms.
    sents = sentences(json.loads(params_json), term)
    if sents.empty:
        return pd.DataFrame(columns=["term", "sentences", "share"])
    stop = load_stopwords() | (load_stopwords(genre=True) if hide_genre else frozenset())
    return cooccur(sentence_terms(sents["sentence"].tolist(), tokenizer(), stop), term, top)


# ---- pure helpers ----------------------------------------------------------------------------------------
def log_odds(counts: pd.DataFrame, prior_size: float = PRIOR_SIZE) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, §3.5).

    counts: term, n_target, n_rest. The prior is the pooled frequency of each term scaled to `prior_size`
    (α_w = α0·y_w/n). δ_w = log((y_tw+α_w)/(n_t+α0−y_tw−α_w)) − log((y_rw+α_w)/(n_r+α0−y_rw−α_w)),
    σ²_w ≈ 1/(y_tw+α_w) + 1/(y_rw+α_w); z = δ/σ, highest first (ties by term).
    """
    cols = ["term", "n_target", "n_rest", "delta", "z"]
    if counts is None or counts.empty:
        return pd.DataFrame(columns=cols)
    yt = counts["n_target"].astype(float).to_numpy()
    yr = counts["n_rest"].astype(float).to_numpy()
    pooled = yt + yr
    alpha = prior_size * pooled / pooled.sum()
    nt, nr = yt.sum(), yr.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log((yt + alpha) / (nt + prior_size - yt - alpha))
                 - np.log((yr + alpha) / (nr + prior_size - yr - alpha)))
        z = delta / np.sqrt(1.0 / (yt + alpha) + 1.0 / (yr + alpha))
    out = pd.DataFrame({"term": counts["term"], "n_target": counts["n_target"].astype(int),
                        "n_rest": counts["n_rest"].astype(int), "delta": np.round(delta, 4), "z": np.round(z, 3)})
    return out.sort_values(["z", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def cooccur(sentences: Iterable[frozenset[str]], term: str, top: int = 30) -> pd.DataFrame:
    """Terms sharing a sentence with `term`, each counted once per sentence.

    Terms that contain the chosen term or that it contains (行政执法 for 执法) are left out: they are the term
    itself, not its company.
    """
    sets = list(sentences)
    counts: Counter[str] = Counter()
    for s in sets:
        counts.update(w for w in s if term not in w and w not in term)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    df = pd.DataFrame(rows, columns=["term", "sentences"])
    df["share"] = (df["sentences"] / len(sets)).round(4) if sets else 0.0
    return df


def trend_lines_label(df: pd.DataFrame, unknown: str = "?") -> pd.Series:
    """The legend name of each trend row: 'term' or 'term · group'."""
    grp = df["grp"].fillna(unknown).astype(str)
    return np.where(grp.eq(""), df["term"].astype(str), df["term"].astype(str) + " · " + grp)


# ---- figures (pure: tests read their traces) ---------------------------------------------------------------
def _layout(fig: go.Figure, title: str, **kw) -> go.Figure:
    fig.update_layout(title=title, font=dict(family=FONT), margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2), **kw)
    return fig


def bars(df: pd.DataFrame, x: str, y: str = "term", title: str = "", suffix: str = "") -> go.Figure:
    """Horizontal bars, first row on top."""
    fig = go.Figure(go.Bar(x=df[x].tolist(), y=df[y].tolist(), orientation="h",
                           hovertemplate="%{y}: %{x}" + suffix + "<extra></extra>"))
    return _layout(fig, title, yaxis=dict(autorange="reversed", type="category"), height=max(300, 22 * len(df)))


def trend_figure(df: pd.DataFrame, title: str = "", unit: str = "", unknown: str = "?") -> go.Figure:
    """One line per term (× group) over the years: mentions per 10,000 characters."""
    fig = go.Figure()
    if not df.empty:
        df = df.assign(line=trend_lines_label(df, unknown))
        for name, g in df.groupby("line", sort=True):
            g = g.sort_values("year")
            fig.add_trace(go.Scatter(x=g["year"].tolist(), y=g["per_10k"].tolist(), name=str(name),
                                     mode="lines+markers", customdata=g[["n", "reports"]].values.tolist(),
                                     hovertemplate="%{x}: %{y}" + unit + " (n=%{customdata[0]}, "
                                                   "%{customdata[1]})<extra>" + str(name) + "</extra>"))
    return _layout(fig, title, xaxis=dict(dtick=1, tickformat="d"), yaxis=dict(title=unit, rangemode="tozero"))
