"""The router: page config, language toggle, global sidebar filters, then st.navigation over views/.

Not pages/: with a pages/ folder Streamlit resolves a deep link (/import) against that folder before app.py
runs, and a cold start showed an English "Page not found" box and the file names as navigation.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run app.py` from elsewhere must still find etl/ and ui/
    sys.path.insert(0, str(ROOT))

from ui import briefing_page  # noqa: E402
from ui.filters import render_filters  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.page import language_toggle  # noqa: E402

# (file, label key, url path, icon). Material icons: emoji fonts are often missing on servers.
# Keywords (and a later Review page) belong to other work: listed when their file exists.
PAGES = [
    ("views/overview.py", "nav.overview", "overview", ":material/dashboard:"),
    ("views/trends.py", "nav.trends", "trends", ":material/show_chart:"),
    ("views/rankings.py", "nav.rankings", "rankings", ":material/leaderboard:"),
    ("views/compare.py", "nav.compare", "compare", ":material/compare_arrows:"),
    ("views/keywords.py", "nav.keywords", "keywords", ":material/tag:"),
    ("views/report.py", "nav.report", "report", ":material/description:"),
    ("views/quality.py", "nav.quality", "quality", ":material/health_and_safety:"),
    ("views/import_page.py", "nav.import", "import", ":material/upload_file:"),
    ("views/review.py", "nav.review", "review", ":material/fact_check:"),
    ("views/assessment.py", "nav.assessment", "assessment", ":material/grading:"),
    ("views/regions.py", "nav.regions", "regions", ":material/grid_view:"),
]


def main() -> None:
    st.set_page_config(page_title="法治年报观察", page_icon="⚖️", layout="wide")
    language_toggle()
    pages = [st.Page(str(ROOT / f), title=t(key), url_path=url, icon=icon) for f, key, url, icon in PAGES
             if (ROOT / f).exists()]

    def _home() -> None:
        # The default page is served at "/" only, so /overview would be "Page not found" if Overview were it:
        # a hidden default page sends "/" on to /overview, and every page keeps its own address.
        st.switch_page(pages[0], query_params={k: st.query_params.get_all(k) for k in st.query_params})

    nav = st.navigation([st.Page(_home, title=t("nav.overview"), url_path="home", default=True,
                                 visibility="hidden"), *pages])
    render_filters()
    # Pages draw the filters themselves only when they run without this router (see ui.page.start).
    st.session_state["_routed"] = True
    slot = briefing_page.open_registry()  # the page registers its charts and tables; the button comes after it
    try:
        nav.run()
    finally:
        st.session_state.pop("_routed", None)
    briefing_page.button(slot, nav.title, nav.url_path)


# A parser worker spawned while this script is the process's __main__ (AppTest, a bare run) imports it again as
# __mp_main__: it must find only definitions there, not a page to draw.
if __name__ != "__mp_main__":
    main()
