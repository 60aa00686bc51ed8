"""Chinese first: every page, table, chart and export walked in both languages; no raw code in Chinese mode.

A raw code is a snake_case identifier (agency_type_guessed, mediation_cases, left_ctx), a coded value shown as
it is stored (reported, high, corrected, county), or the ETL's developer evidence ("work cues (14 hits; …",
"gazetteer: …"). In Chinese mode the page's own words (titles, captions, labels, options, column headers) carry
no English word either, save a short list of names (CSV, XLSX, UTF-8 …).
"""
from __future__ import annotations

import json
import os
import re
import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import Warehouse

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("navigation_mode")  # see tests/conftest.py

PAGES = ["views/overview.py", "views/trends.py", "views/rankings.py", "views/compare.py", "views/keywords.py",
         "views/report.py", "views/quality.py", "views/import_page.py", "views/review.py"]
TITLES = {"zh": ["总览", "趋势", "排名", "对比", "关键词", "报告", "数据质量", "导入", "审核"],
          "en": ["Overview", "Trends", "Rankings", "Compare", "Keywords", "Report", "Data quality", "Import", "Review"]}
# Pages whose tables still show Streamlit's "None" for a missing text: their tests (tests/test_review_page.py)
# read those cells as missing values.
NONE_SHOWN = ("views/rankings.py", "views/review.py")
QUOTED = ("selectbox rv_add_sentence option",)  # widgets whose options are sentences of a report
SNAKE = re.compile(r"(?<![A-Za-z0-9_./=&?%-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_(])")
CODES = {"reported", "derived", "high", "medium", "low", "extracted", "confirmed", "corrected", "added", "rejected",
         "county", "municipal", "provincial", "government", "justice", "title", "header", "body", "manifest",
         "inferred", "review", "ok", "tie", "missing", "ingested", "unchanged", "failed", "agency", "region",
         "value", "change", "each", "median", "none", "nan", "None", "NaN", "<NA>", "True", "False"}
DEV = re.compile(r"work cues|runner-up|own-area|gazetteer|\bhits\b|officially|signature line|opening subject|"
                 r"addressed to|date line|\bnamed \d|canonical|->|bare name|most-mentioned|ambiguous name|"
                 r"reports cover|signed late|self-reference|"
                 r"manifest\.csv (?:agency|level|province|city|county|year|published|url)\b")
# Names a Chinese reader sees as they are; everything else in English is a leak in Chinese mode.
ALLOWED_WORDS = {"CSV", "XLSX", "UTF", "BOM", "Excel", "URL", "Word", "KWIC", "PNG", "PDF", "DOCX", "HTML", "TXT",
                 "HTM", "htm", "docx", "pdf", "MB", "csv", "manifest", "Alt", "https", "http", "www", "example", "gov",
                 "cn", "art", "html", "English",  # the language toggle names the other language in its own words
                 "jieba", "rjieba", "Monroe", "Colaresi", "Quinn", "Fightin", "Words"}  # a tokenizer, a citation
SKIP_COLUMNS = {"link", "报告编号", "文件名", "来源网址", "标题", "原文证据", "左侧上下文", "关键词", "右侧上下文",
                "Report id", "File", "Title", "Evidence"}


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED_WORDS]


class Leaks:
    def __init__(self, lang: str):
        self.lang, self.found = lang, []

    def ui(self, where: str, text) -> None:
        """Words the page itself writes: no code, no developer text, and in Chinese no English word."""
        text = "" if text is None else str(text)
        bad = SNAKE.findall(text) + DEV.findall(text)
        if self.lang == "zh":  # commands in `code` are for the administrator, typed as they are
            bad += words(re.sub(r"https?://\S+|`[^`]*`|[\w.-]*\.(?:txt|html?|docx|pdf|csv|xlsx)\b", "", text))
        if bad:
            self.found.append((where, text[:120], bad[:5]))

    def cell(self, where: str, value) -> None:
        """A table cell: data may hold any text, but never a code or the ETL's developer words."""
        if not isinstance(value, str):
            return
        bad = SNAKE.findall(value) + DEV.findall(value) + ([value] if value.strip() in CODES else [])
        if bad and self.lang == "zh":
            self.found.append((where, value[:120], bad[:5]))

    def frame(self, where: str, df: pd.DataFrame) -> None:
        for col in df.columns:
            self.ui(f"{where} header", col) if col != "link" else None
            for v in df[col].head(300):
                if str(col) in SKIP_COLUMNS:  # quotes, names and ids: only the ETL's own words are a leak
                    if isinstance(v, str) and DEV.search(v) and self.lang == "zh":
                        self.found.append((f"{where}[{col}]", v[:120], DEV.findall(v)[:5]))
                else:
                    self.cell(f"{where}[{col}]", v)

    def provenance(self, where: str, prov: dict) -> None:
        for key, value in prov.items():
            if key == "indicators":
                continue
            if key == "filters":
                for k, v in value.items():
                    self.ui(f"{where} 说明 filter", k)
                    self.cell(f"{where} 说明 filter {k}", v)
            elif key in ("sources", "title"):
                continue
            else:
                self.ui(f"{where} 说明 key", key)
                self.cell(f"{where} 说明 {key}", value)


def _texts(at: AppTest) -> list[tuple[str, str]]:
    out = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [(kind, e.value) for e in getattr(at, kind)]
    out += [("metric", m.label) for m in at.metric]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "text_area", "toggle", "checkbox", "button",
                 "slider", "number_input", "select_slider"):
        for w in getattr(at, kind):
            p = w.proto  # the proto, as the browser gets it (properties like .value reformat in this run's language)
            out.append((f"{kind} {w.key}", p.label))
            out += [(f"{kind} {w.key} {f}", getattr(p, f)) for f in ("help", "placeholder") if getattr(p, f, "")]
            if kind in ("selectbox", "multiselect", "radio"):
                out += [(f"{kind} {w.key} option", o) for o in p.options]
    out += [("tab", tab.label) for tab in at.tabs]
    out += [("expander", e.label) for e in at.expander]
    out += [("download", d.proto.label) for d in at.get("download_button")]
    out += [("uploader", u.proto.label) for u in at.get("file_uploader")]
    out += [("page_link", p.proto.label) for p in at.get("page_link")]
    return out


def _chart_texts(at: AppTest) -> list[tuple[str, str]]:
    out = []
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        lay = spec.get("layout", {})
        for axis in ("xaxis", "yaxis"):
            title = (lay.get(axis) or {}).get("title")
            out.append(("axis", title.get("text") if isinstance(title, dict) else title))
        title = lay.get("title")
        out.append(("chart title", title.get("text") if isinstance(title, dict) else title))
        for tr in spec.get("data", []):
            out.append(("trace name", tr.get("name")))
            out.append(("hover", re.sub(r"%\{[^}]*\}|<[^>]+>", " ", tr.get("hovertemplate") or "")))
            for k in ("x", "y", "text"):
                vals = tr.get(k)
                if isinstance(vals, list):
                    out += [("chart " + k, v) for v in vals if isinstance(v, str)]
            for row in tr.get("customdata") or []:  # hover lines: the review note is ours; evidence is a quote
                out += [("hover data", v) for v in (row if isinstance(row, list) else [row])
                        if isinstance(v, str) and not re.search(r"[。；，]", v)]
    return out


@pytest.fixture(scope="module")
def corrected_db(tmp_path_factory):
    """The demo warehouse with one corrected and one confirmed number (review notes are words too)."""
    from .test_review_status import build_reviewed

    return build_reviewed(tmp_path_factory.mktemp("zh"))


@pytest.fixture
def exports(monkeypatch):
    got: list[tuple[pd.DataFrame, dict]] = []

    def record(df, name, provenance=None, key=None, short=False):
        got.append((df.copy(), dict(provenance or {}), name))

    monkeypatch.setattr("ui.exports.export_buttons", record)
    return got


def _walk(lang: str, exports: list) -> list:
    leaks = Leaks(lang)
    for page in PAGES:
        # A fresh session per page: between runs AppTest formats the previous page's widgets outside a script
        # run, where the language is always Chinese.
        at = _open(page, lang)
        exports.clear()
        at.run()
        assert at.title[0].value == TITLES[lang][PAGES.index(page)], page  # the page itself, not Overview
        _look(at, page, leaks, exports)
        if page == "views/report.py":  # every report: each has its own metadata evidence and review reasons
            for rid in _ids()[1:]:
                exports.clear()
                at.selectbox(key="rd_report").set_value(rid).run()
                _look(at, f"{page}?report={rid}", leaks, exports)
        # Each report's review tab: its facts, metadata and history of corrections. (Chinese only: between runs
        # AppTest formats the other widgets in Chinese, which an English page's options do not hold.)
        if page == "views/review.py" and lang == "zh":
            for rid in _ids():
                at.selectbox(key="rv_report").set_value(rid).run()
                _look(at, f"{page} report {rid}", leaks, exports)
    return leaks.found


def _open(page: str, lang: str) -> AppTest:
    """A session on `page` (the router's first run lands on Overview; the switch then opens the page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.session_state["rv_reviewer"] = "李审核"
    at.run()
    assert [x.value for x in at.title][:1] == [{"zh": "总览", "en": "Overview"}[lang]]
    return at.switch_page(page)


def _ids() -> list[str]:
    with Warehouse.open(os.environ["WAREHOUSE"]) as wh:
        return wh.query("report_list", {})["report_id"].tolist()


def _look(at: AppTest, page: str, leaks: Leaks, exports: list) -> None:
    assert not at.exception, (page, [e.value for e in at.exception])
    for where, text in _texts(at) + _chart_texts(at):
        if where.startswith(QUOTED):  # a quote from the report: only codes and developer notes are leaks
            leaks.cell(f"{page} {where}", text)
        else:
            leaks.ui(f"{page} {where}", text)
    for i, df in enumerate(d.value for d in at.dataframe):
        leaks.frame(f"{page} table {i}", df)
        if leaks.lang == "zh" and not page.startswith(NONE_SHOWN):  # Streamlit draws a missing text as "None"
            text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])
                    and not pd.api.types.is_bool_dtype(df[c]) and df[c].isna().any()]
            leaks.found += [(f"{page} table {i}[{c}]", "None", ["None"]) for c in text]
    for df, prov, name in exports:
        leaks.frame(f"{page} export {name}", df)
        leaks.provenance(f"{page} export {name}", prov)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_raw_code_on_any_page_table_or_export(corrected_db, monkeypatch, exports, lang):
    monkeypatch.setenv("WAREHOUSE", str(corrected_db))
    found = _walk(lang, exports)
    assert not found, "\n".join(map(str, found))


def test_the_sample_corpus_in_chinese(sample_db, tmp_path, monkeypatch, exports):
    db = tmp_path / "s.duckdb"
    shutil.copyfile(sample_db, db)
    monkeypatch.setenv("WAREHOUSE", str(db))
    found = _walk("zh", exports)
    assert not found, "\n".join(map(str, found))


# Every kind of note the ETL writes (seen on a 1,000-report synthetic warehouse and in etl/metadata.py).
NOTES = ["work cues (14 hits; runner-up emergency_management)", "work cues (5 hits; runner-up -)",
         "own-area phrases county:3, provincial:1", "gazetteer: 沭阳县 -> 江苏省", "布尔津县 -> 阿勒泰地区",
         "2021年桑珠孜区城管局报告 (officially 日喀则市桑珠孜区城市管理和综合执法局)",
         "signature line: 河北沧州经济开发区审计局 (officially 沧州市河北沧州经济开发区审计局)",
         "全州县 + 司法局 (canonical justice name at county level)", "淮南市田家庵区 + 司法局 (name as written)",
         "header date line: 2021年01月11日", "signature date line: 2021年7月15日", "signature date: 2021年7月15日",
         "和县 named 1x", "gazetteer: 和县 named 3x", "拉萨经济技术开发区 in 拉萨经济技术开发区公安局",
         "published 2021-03-02; reports cover the year before",
         "published 2021-11-02; signed late in the year it covers",
         "manifest.csv agency", "file name: 2021年某县司法局", "body names only the place: 伊犁州",
         "opening subject: 我区", "addressed to 县委、县政府", "no department self-reference",
         "ambiguous name; city not settled by the text", "most-mentioned province; own place unknown",
         "义乌市 is a county-level city", "重庆市 is a provincial-level municipality",
         "places named in the text lie in 陕西省 (4x)", "铜梁 (bare name) 3x", "the only city named: 海口"]


@pytest.mark.parametrize("note", NOTES)
def test_every_evidence_note_reads_as_chinese(note):
    from ui.evidence import explain

    zh = explain(note, "zh")
    assert not DEV.search(zh) and not SNAKE.search(zh) and not words(zh.replace("manifest.csv", "")), zh
    assert explain(note, "en") == note  # English mode shows what the ETL stored
    assert explain("日期:2020-03-24", "zh") == "日期:2020-03-24"  # a quote from the report stays as it is


def test_review_reasons_in_words():
    from ui.evidence import review_reasons

    assert review_reasons("agency,province,agency_type_guessed") == \
        "未能识别机关、省份；机关类型是据正文所述工作内容推断的，请核对"
    assert review_reasons("") == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_uploaders_built_in_english_is_replaced_in_chinese(corrected_db, monkeypatch, lang):
    # Streamlit has no API for "Upload" and "20MB per file • …": a style scoped to the uploader shows ours.
    monkeypatch.setenv("WAREHOUSE", str(corrected_db))
    for page in ("views/import_page.py", "views/review.py"):
        at = _open(page, lang).run()
        styles = [h.proto.body for h in at.get("html") if "stFileUploaderDropzone" in h.proto.body]
        if lang == "zh":
            assert len(styles) == 1 and "content:'选择文件'" in styles[0] and "每个文件不超过 20 MB" in styles[0]
        else:
            assert styles == []  # English mode keeps Streamlit's own words


def test_labelled_names_metadata_fields(monkeypatch, corrected_db):
    # A metadata override's history row names its field: 机关, not agency.
    monkeypatch.setenv("WAREHOUSE", str(corrected_db))
    from ui.page import labelled

    out = labelled(pd.DataFrame({"field": ["agency", "agency_type", None], "value": [1, 2, 3]}))
    assert out["字段"].tolist()[:2] == ["机关", "机关类型"] and pd.isna(out["字段"].iat[2])
