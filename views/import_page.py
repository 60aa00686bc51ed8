"""导入 Import: upload reports (and a manifest.csv) or paste web addresses, run the ETL with a progress bar."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from ui.charts import count_bars
from ui.db import refresh, run_query, warehouse_exists, warehouse_path
from ui.exports import export_buttons
from ui.filters import current_filters
from ui.i18n import t
from ui.page import dashes, file_uploader, labelled, plot, provenance, synthetic_banner
from ui.uploads import import_urls, ingest, stage

MAX_PASTE = 20_000  # characters of pasted addresses: a few hundred URLs

st.title(t("import.title"))
st.caption(t("import.caption"))
if warehouse_exists():
    synthetic_banner(current_filters())


def _keep_result(summary, failed_before: list[tuple[str, str]]) -> None:
    """Store the outcome for the result section: one row per file (or address that never became a file)."""
    rows = [(n, "ingested", "") for n in (summary.ingested if summary else [])]
    rows += [(n, "unchanged", "") for n in (summary.unchanged if summary else [])]
    rows += [(n, "failed", r) for n, r in (summary.failed if summary else [])]
    rows += [(n, "failed", r) for n, r in failed_before]
    st.session_state["imp_result"] = pd.DataFrame(rows, columns=["file_name", "status", "reason"])
    st.session_state["imp_checks"] = dict(summary.check_failures) if summary else {}
    st.session_state["imp_replaced"] = list(summary.replaced) if summary else []


def _import_pasted(text: str) -> None:
    bar = st.progress(0.0, text=t("import.progress_fetch", done=0, total=0))

    def on_progress(stage: str, done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=t(f"import.progress_{stage}", done=done, total=total))

    # Snapshots and fetched reports are kept beside the warehouse, so a second paste skips what it has.
    out = Path(warehouse_path()).resolve().parent / "fetched"
    # Loopback and private addresses are refused (import_urls' default): the server must not fetch its own
    # network for whoever can reach the page.
    result = import_urls(text, out, warehouse_path(), on_progress=on_progress, workers=1)
    bar.progress(1.0, text=t("import.done"))
    refresh()
    _keep_result(result.ingest, result.fetch.failed)


uploads = file_uploader(t("import.files"), "imp_files", ["txt", "html", "htm", "docx", "pdf", "csv"], multiple=True)
if st.button(t("import.run"), type="primary", disabled=not uploads, key="imp_run"):
    with tempfile.TemporaryDirectory(prefix="fazhi-upload-") as tmp:
        paths, manifest, rejected = stage([(f.name, f.getvalue()) for f in uploads], Path(tmp))
        bar = st.progress(0.0, text=t("import.progress_ingest", done=0, total=len(paths)))

        def on_progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=t("import.progress_ingest", done=done, total=total))

        try:
            # One process: the upload is small, and worker processes would outlive a Streamlit rerun.
            summary = ingest([str(p) for p in paths], warehouse_path(), manifest=str(manifest) if manifest else None,
                             workers=1, progress=False, on_progress=on_progress) if paths else None
        except ValueError as exc:  # a malformed manifest
            st.error(t("import.bad_manifest", error=str(exc)))
            summary = None
        bar.progress(1.0, text=t("import.done"))
        refresh()  # the ingest swapped a new warehouse file in: drop cached connections and results
    _keep_result(summary, rejected)


st.subheader(t("import.urls_title"))
pasted = st.text_area(t("import.urls"), key="imp_urls", max_chars=MAX_PASTE, help=t("import.urls_help"),
                      placeholder="https://www.example.gov.cn/art/2024/3/1/art_1_1.html")
if st.button(t("import.fetch_run"), disabled=not pasted.strip(), key="imp_fetch"):
    _import_pasted(pasted)

result = st.session_state.get("imp_result")
if result is not None:
    st.subheader(t("import.result"))
    counts = result["status"].value_counts().reindex(["ingested", "unchanged", "failed"], fill_value=0)
    c = st.columns(3)
    for col, status in zip(c, counts.index, strict=True):
        col.metric(t(f"import.{status}"), int(counts[status]))
    if counts["failed"]:
        st.error(t("import.some_failed", n=int(counts["failed"])))
    for key, old, new in st.session_state.get("imp_replaced", []):
        st.warning(t("import.replaced", source=key, old=old, new=new))
    for check, bad in st.session_state.get("imp_checks", {}).items():
        st.warning(t("import.check_failed", check=check, n=len(bad)))
    chart = pd.DataFrame({"status": [t(f"import.{s}") for s in counts.index], "n": counts.values})
    plot(count_bars(chart, "status", "n"), key="imp_chart")
    shown = labelled(result.assign(status=result["status"].map(lambda s: t(f"import.{s}"))))
    st.dataframe(dashes(shown), hide_index=True, key="imp_table")
    export_buttons(shown, "import_result", provenance(current_filters(), t("import.result"),
                                                      result["file_name"].tolist()), key="imp")

st.subheader(t("import.log"))
if not warehouse_exists():
    st.info(t("import.first_time"))
else:
    log = run_query("ingest_recent", {"limit": 200})
    if log.empty:
        st.info(t("import.no_log"))
    else:
        by_status = log["status"].value_counts().reindex(["ingested", "unchanged", "failed"], fill_value=0)
        plot(count_bars(pd.DataFrame({"status": [t(f"import.{s}") for s in by_status.index],
                                      "n": by_status.values}), "status", "n"), key="imp_log_chart")
        log = labelled(log.assign(status=log["status"].map(lambda s: t(f"import.{s}"))))
        st.dataframe(dashes(log), hide_index=True, key="imp_log")
        export_buttons(log, "ingest_log", provenance(current_filters(), t("import.log")), key="imp_log")
