"""Speed work must not change what parsing produces: every ParsedReport equals its stored golden copy."""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SAMPLE_REPORTS

GOLDEN = FIXTURES / "equivalence"
REGEN = os.environ.get("EQUIV_REGEN") == "1"  # EQUIV_REGEN=1 pytest tests/test_parse_equivalence.py rewrites
SYNTH_N, SYNTH_SEED = 40, 11  # all formats and encodings in their usual shares
EXTENSIONS = (".txt", ".html", ".htm", ".docx", ".pdf")


@pytest.fixture(scope="module")
def ctx():
    from etl.pipeline import ParseContext

    return ParseContext.load()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS)


def _record(path: Path, ctx) -> dict:
    """The whole ParsedReport as plain JSON values (text, meta, sections, facts, checks), or the error code."""
    from etl.errors import ReportError
    from etl.pipeline import parse_report

    try:
        report = parse_report(path.read_bytes(), path.name, ctx)
    except ReportError as e:
        return {"file": path.name, "error": e.code}
    return {"file": path.name, "report": json.loads(json.dumps(dataclasses.asdict(report), ensure_ascii=False))}


def _first_difference(got: object, want: object, where: str = "") -> str:
    if isinstance(got, dict) and isinstance(want, dict):
        for k in sorted(set(got) | set(want)):
            if got.get(k) != want.get(k):
                return _first_difference(got.get(k), want.get(k), f"{where}.{k}")
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return f"{where}: {len(got)} items, golden {len(want)}"
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{where}[{i}]")
    return f"{where}: {str(got)[:200]!r} != golden {str(want)[:200]!r}"


def _check(group: str, paths: list[Path], ctx) -> None:
    golden_file = GOLDEN / f"{group}.jsonl"
    records = [_record(p, ctx) for p in paths]
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden_file.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records),
                               encoding="utf-8")
        return
    golden = [json.loads(line) for line in golden_file.read_text(encoding="utf-8").splitlines() if line]
    assert [r["file"] for r in records] == [g["file"] for g in golden], f"{group}: the set of files changed"
    diffs = [f"{r['file']}: {_first_difference(r, g)}" for r, g in zip(records, golden, strict=True) if r != g]
    assert not diffs, f"{group}: {len(diffs)} reports differ from the golden copy\n" + "\n".join(diffs[:10])


def test_seed_reports_unchanged(ctx):
    _check("seeds", _files(SAMPLE_REPORTS), ctx)


def test_openings_unchanged(ctx):
    _check("openings", _files(FIXTURES / "openings"), ctx)


def _synthetic(group: str, folder: Path, formats: tuple[str, ...] | None, ctx) -> None:
    from etl.pipeline import content_hash
    from etl.synth import generate

    if formats:
        generate(SYNTH_N // 4, folder, seed=SYNTH_SEED, formats=formats)
    else:
        generate(SYNTH_N, folder, seed=SYNTH_SEED)
    paths = _files(folder)
    if not REGEN:
        # The generator is not under test: if its bytes moved on, the golden copy has to be remade first.
        golden = [json.loads(line) for line in (GOLDEN / f"{group}.jsonl").read_text(encoding="utf-8").splitlines()]
        hashes = {g["file"]: g.get("report", {}).get("content_hash") for g in golden}
        moved = [p.name for p in paths if hashes.get(p.name) not in (None, content_hash(p.read_bytes()))]
        assert not moved, (f"etl.synth now writes different bytes ({moved[:3]}...): regenerate the golden copy "
                           "with EQUIV_REGEN=1 from a parser known to be right")
    _check(group, paths, ctx)


def test_synthetic_reports_unchanged(ctx, tmp_path):
    _synthetic("synthetic", tmp_path, None, ctx)


def test_synthetic_docx_pdf_unchanged(ctx, tmp_path):
    _synthetic("synthetic_docx_pdf", tmp_path, ("docx", "pdf"), ctx)


def _first_chars(items) -> set[str] | None:
    """Characters a parsed regex sequence can start with; None when unknown or possibly empty."""
    from re import _parser as P

    out: set[str] = set()
    for op, av in items:
        if op is P.LITERAL:
            return out | {chr(av)}
        if op is P.IN:
            if any(o is not P.LITERAL for o, _ in av):
                return None
            return out | {chr(a) for _, a in av}
        if op is P.BRANCH:
            subs = [_first_chars(b.data) for b in av[1]]
            return None if None in subs else out.union(*subs)
        if op is P.SUBPATTERN or op is P.MAX_REPEAT:
            inner = av[3] if op is P.SUBPATTERN else av[2]
            sub = _first_chars(inner.data)
            if sub is None:
                return None
            out |= sub
            if (av[0] if op is P.MAX_REPEAT else inner.getwidth()[0]) > 0:
                return out
        elif op is not P.AT:
            return None
    return None


def test_boilerplate_prefilters_cover_their_patterns():
    """The quick character tests in etl.boilerplate must never skip a line the full patterns would act on."""
    from re import _parser as P

    from etl import boilerplate as b

    widget_first = _first_chars(P.parse(b._WIDGETS.pattern).data)
    assert widget_first and all(b._WIDGET_START.match(c) for c in widget_first)
    branches = P.parse(b._DROP_LINE.pattern).data[0][1][1]
    unknown = [br for br in branches if _first_chars(br.data) is None]
    for br in branches:
        assert _first_chars(br.data) is None or _first_chars(br.data) <= b._CHROME_FIRST
    # The branches without a plain first character: a leading \s (covered by isspace) or the footer words.
    assert len(unknown) == 3
    for line in ("> 政务公开", "(责任编辑:丁梅)", "版权所有 某某网站", " > 首页"):
        assert b._DROP_LINE.match(line) and (line[0] in b._CHROME_FIRST or line[0].isspace()
                                             or b._FOOTER_WORD.search(line))
