"""Synthetic corpus generator: determinism, formats and encodings, truth, manifest, a golden report, scoring."""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from etl.synth import Generator, generate, parse_formats, read_truth
from etl.synth_score import MetaScore, Score

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_DIR = FIXTURES / "synth"
GOLDEN_SEED, GOLDEN_INDEX = 2027, 0
CORPUS_N = 300


@pytest.fixture(scope="module")
def gen() -> Generator:
    return Generator.load()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, gen) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(CORPUS_N, out, seed=11, gen=gen)
    return out


def _decode(path: Path, encoding: str) -> str:
    return path.read_bytes().decode(encoding)


def test_same_seed_same_bytes(tmp_path, gen):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(25, a, seed=3, gen=gen, formats=("txt", "html"))
    generate(25, b, seed=3, gen=gen, formats=("txt", "html"))
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # docx and pdf carry timestamps unless pinned: check them directly.
    for fmt in ("docx", "pdf"):
        assert gen.render(3, 1, (fmt,))[1] == gen.render(3, 1, (fmt,))[1], fmt


def test_workers_write_the_same_corpus(tmp_path, gen):
    one, two = tmp_path / "one", tmp_path / "two"
    generate(50, one, seed=4, gen=gen, formats=("txt",))
    generate(50, two, seed=4, gen=gen, formats=("txt",), workers=2, chunk=20)
    for name in ["truth.jsonl", "manifest.csv", "syn000000.txt", "syn000049.txt"]:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert len(list(two.iterdir())) == 52


def test_other_seed_other_corpus(gen):
    assert gen.render(1, 0)[1] != gen.render(2, 0)[1]


def test_report_depends_only_on_seed_and_index(tmp_path, gen):
    generate(3, tmp_path, seed=9, gen=gen)
    for i in range(3):
        name, data, _ = gen.render(9, i)
        assert (tmp_path / name).read_bytes() == data


def test_every_format_and_encoding_appears(corpus):
    truths = list(read_truth(corpus / "truth.jsonl"))
    seen = Counter((t["format"], t["encoding"]) for t in truths)
    fmts = Counter(t["format"] for t in truths)
    assert fmts["html"] > fmts["txt"] > fmts["docx"] > 0 and fmts["pdf"] > 0, fmts
    for key in [("html", "utf-8"), ("html", "gbk"), ("html", "gb2312"), ("html", "gb18030"), ("txt", "utf-8"),
                ("txt", "gb18030"), ("txt", "utf-8-sig"), ("docx", None), ("pdf", None)]:
        assert seen[key] > 0, (key, seen)


def test_html_declares_its_charset(corpus):
    for t in read_truth(corpus / "truth.jsonl"):
        if t["format"] == "html":
            head = (corpus / t["file"]).read_bytes()[:400].decode("ascii", "replace")
            declared = re.search(r"charset=\"?([\w-]+)", head).group(1)
            assert declared == {"utf-8": "utf-8"}.get(t["encoding"], declared), t["file"]
            assert (declared == "utf-8") == (t["encoding"] == "utf-8"), t["file"]


def test_evidence_is_verbatim_in_the_file(corpus):
    checked = 0
    for t in read_truth(corpus / "truth.jsonl"):
        if t["format"] not in ("txt", "html"):
            continue
        text = _decode(corpus / t["file"], t["encoding"])
        for fact in t["facts"]:
            assert fact["evidence"] in text, (t["file"], fact)
            checked += 1
    assert checked > 500


def test_truth_is_well_formed(corpus):
    units = {r["code"]: r["unit"] for r in csv.DictReader(open(FIXTURES / "indicators-core.csv", encoding="utf-8"))}
    levels = Counter()
    for t in read_truth(corpus / "truth.jsonl"):
        levels[t["level"]] += 1
        assert 2015 <= t["year"] <= 2025
        assert set(t["sections"]) == {"achievements", "problems", "first_responsible", "next_year_plan"}
        if t["level"] == "county":
            assert t["county"] and t["city"], t
        elif t["level"] == "municipal":
            assert t["city"] and t["county"] is None, t
        else:
            assert t["county"] is None, t
        if t["province"] in ("北京市", "天津市", "上海市", "重庆市"):
            assert t["city"] == t["province"], t
        if t["published"]:
            assert t["published"][:4] in (str(t["year"] + 1), str(t["year"] + 2)), t
            assert t["on_time"] == (t["published"] <= f"{t['year'] + 1}-03-31")
        for fact in t["facts"]:
            assert fact["unit"] == units[fact["indicator"]], fact
            assert fact["value"] > 0 and isinstance(fact["approx"], bool)
    assert levels["county"] > levels["municipal"] > levels["provincial"] > 0, levels


def test_variety(corpus):
    truths = list(read_truth(corpus / "truth.jsonl"))
    assert len({t["province"] for t in truths}) >= 28
    assert len({t["agency_type"] for t in truths}) >= 20
    assert len({t["year"] for t in truths}) == 11
    indicators = Counter(f["indicator"] for t in truths for f in t["facts"])
    assert len(indicators) == 29, indicators
    assert any(t["on_time"] is False for t in truths)
    assert any(not all(t["sections"].values()) for t in truths)
    assert any("中共" in t["agency"] for t in truths)


def test_manifest_lists_every_file_as_synthetic(corpus):
    with open(corpus / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["file", "source"]  # no metadata: extraction is scored for real
    assert {r["source"] for r in rows} == {"synthetic"}
    files = {p.name for p in corpus.iterdir()} - {"manifest.csv", "truth.jsonl"}
    assert [r["file"] for r in rows] == [t["file"] for t in read_truth(corpus / "truth.jsonl")]
    assert {r["file"] for r in rows} == files and len(rows) == CORPUS_N


def test_file_names_carry_no_metadata(corpus):
    assert all(re.fullmatch(r"syn\d{6}\.(txt|html|docx|pdf)", p.name)
               for p in corpus.iterdir() if p.suffix != ".jsonl" and p.name != "manifest.csv")


def test_golden_report(gen):
    """One report compared whole; UPDATE_SYNTH_GOLDEN=1 rewrites it after an intended template change."""
    name, data, truth = gen.render(GOLDEN_SEED, GOLDEN_INDEX, ("txt",))
    text_path, truth_path = GOLDEN_DIR / name, GOLDEN_DIR / (name + ".truth.json")
    truth_json = json.dumps(truth, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("UPDATE_SYNTH_GOLDEN"):
        GOLDEN_DIR.mkdir(exist_ok=True)
        text_path.write_bytes(data)
        truth_path.write_text(truth_json, encoding="utf-8")
    assert data == text_path.read_bytes()
    assert truth_json == truth_path.read_text(encoding="utf-8")


def test_cli(tmp_path, capsys):
    from etl.synth_cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["synth", "--n", "4", "--out", str(tmp_path), "--seed", "1", "--formats", "txt"])
    assert args.func(args) == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".jsonl"] + [".txt"] * 4
    assert "wrote 4 synthetic reports" in capsys.readouterr().out
    bad = parser.parse_args(["synth", "--n", "1", "--out", str(tmp_path), "--formats", "doc"])
    assert bad.func(bad) == 2
    assert parse_formats("TXT, html") == ("txt", "html")


def test_sample_data_is_not_synthetic():
    reports = Path(__file__).resolve().parent.parent / "data" / "reports"
    if reports.is_dir():
        assert not [p for p in reports.rglob("*") if re.fullmatch(r"syn\d{6}\..*", p.name)]


def test_score_counts():
    s = Score()
    s.add("a", [{"indicator": "x", "value": 3, "evidence": "e"}, {"indicator": "y", "value": 1.5, "evidence": "f"}],
          [("x", 3.0, "e"), ("z", 2.0, "g")])
    assert (s.true_pos, s.false_pos, s.false_neg) == (1, 1, 1)
    assert s.misses == [("a", "y", 1.5, "f")] and s.extras == [("a", "z", 2.0, "g")]


def _parser():
    """The ingest's parse function and context, or None while the extractor has not landed."""
    try:
        import etl.facts  # noqa: F401
        from etl.pipeline import ParseContext, parse_report
        ctx = ParseContext.load()
    except Exception:  # the other parts of the parser may be missing or half-written in this tree
        return None
    return parse_report, ctx


def test_extraction_score_on_synthetic_reports(tmp_path, gen):
    """Extraction scored against truth on ~100 txt/html reports (targets: precision ≥ 0.98, recall ≥ 0.95).

    Prints the figures and the differing facts; SYNTH_SCORE_STRICT=1 turns the targets into assertions.
    """
    found = _parser()
    if found is None:
        pytest.skip("the fact extractor (etl.facts / etl.pipeline.parse_report) is not available yet")
    parse_report, ctx = found
    generate(100, tmp_path, seed=101, gen=gen, formats=("txt", "html"))
    facts, meta = Score(), MetaScore()
    for t in read_truth(tmp_path / "truth.jsonl"):
        parsed = parse_report((tmp_path / t["file"]).read_bytes(), t["file"], ctx, source="synthetic")
        # Truth holds the numbers a report states for the core indicators: derived rates and the catalogue's
        # other indicators are not scored.
        stated = [(f.indicator, f.value, f.evidence) for f in parsed.facts
                  if f.method == "reported" and f.indicator in gen.units]
        facts.add(t["file"], t["facts"], stated)
        meta.add(t["file"], t, {n: parsed.meta.value(n) for n in ("agency", "agency_type", "level", "province",
                                                                   "city", "county", "year", "published")})
    print("\n" + facts.summary(examples=25) + "\n" + meta.summary(examples=15))
    assert facts.true_pos > 0
    if os.environ.get("SYNTH_SCORE_STRICT"):
        assert facts.precision >= 0.98 and facts.recall >= 0.95
