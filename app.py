"""The router: page config, language toggle, global sidebar filters, then st.navigation over pages/."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run app.py` from elsewhere must still find etl/ and ui/
    sys.path.insert(0, str(ROOT))

from ui.filters import render_filters  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.page import language_toggle  # noqa: E402

st.set_page_config(page_title="法治年报观察", page_icon="⚖️", layout="wide")

# (file, label key, url path, icon). Material icons: emoji fonts are often missing on servers.
# Keywords (and a later Review page) belong to other work: listed when their file exists.
PAGES = [
    ("pages/overview.py", "nav.overview", "overview", ":material/dashboard:"),
    ("pages/trends.py", "nav.trends", "trends", ":material/show_chart:"),
    ("pages/rankings.py", "nav.rankings", "rankings", ":material/leaderboard:"),
    ("pages/compare.py", "nav.compare", "compare", ":material/compare_arrows:"),
    ("pages/keywords.py", "nav.keywords", "keywords", ":material/tag:"),
    ("pages/report.py", "nav.report", "report", ":material/description:"),
    ("pages/quality.py", "nav.quality", "quality", ":material/health_and_safety:"),
    ("pages/import_page.py", "nav.import", "import", ":material/upload_file:"),
    ("pages/review.py", "nav.review", "review", ":material/fact_check:"),
]

language_toggle()
pages = [st.Page(str(ROOT / f), title=t(key), url_path=url, icon=icon, default=(url == "overview"))
         for f, key, url, icon in PAGES if (ROOT / f).exists()]
nav = st.navigation(pages)
render_filters()
# Pages draw the filters themselves only when they run without this router (see ui.page.start).
st.session_state["_routed"] = True
try:
    nav.run()
finally:
    st.session_state.pop("_routed", None)
