"""PDF reading: PDFium (etl/read/pdf.py) against the pdfminer.six reader it replaced, same files, same process.

Both readers end in the same post-processing (page numbers dropped, wrapped lines joined), so their texts can be
compared file by file: the text read_pdf returns, and the text the warehouse stores (after normalisation and
boilerplate stripping). Times are CPU seconds, best of --repeat, as in bench_parse.py.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# Runnable as a script from anywhere: the repo root holds the etl and bench packages.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_parse import _timed  # noqa: E402

TARGET = 10.0  # PDFium at least 10× pdfminer on the same PDFs (issue 16)


def _outcome(read, data: bytes) -> str:
    from etl.errors import ReportError

    try:
        return read(data)
    except ReportError as exc:
        return f"error {exc.code}"


def _stored(text: str) -> str:
    from etl.boilerplate import strip_boilerplate
    from etl.normalize import normalize_text

    return text if text.startswith("error ") else strip_boilerplate(normalize_text(text))


def _first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at {at}: pdfminer {a[max(0, at - 15):at + 15]!r} / pdfium {b[max(0, at - 15):at + 15]!r}"


def run(files: list[tuple[str, bytes]], repeat: int = 1) -> dict:
    """Seconds of each reader over all files, pages and bytes, and per file whether the texts agree."""
    import pypdfium2

    from bench.pdf_baseline import read_pdf_pdfminer
    from etl.read.pdf import read_pdf

    read_pdf(files[0][1])  # load PDFium and install its stand-in font outside the timing
    pages = 0
    for _, data in files:
        document = pypdfium2.PdfDocument(data)
        pages += len(document)
        document.close()
    readers = {"pdfminer": read_pdf_pdfminer, "pdfium": read_pdf}
    seconds = {name: _timed(lambda fn=fn: [_outcome(fn, data) for _, data in files], repeat)
               for name, fn in readers.items()}
    files_out = []
    for name, data in files:
        old, new = _outcome(read_pdf_pdfminer, data), _outcome(read_pdf, data)
        files_out.append({"file": name, "same_text": old == new, "same_stored": _stored(old) == _stored(new),
                          "difference": "" if old == new else _first_difference(old, new)})
    return {"seconds": seconds, "pages": pages, "mb": sum(len(d) for _, d in files) / 1e6, "files": files_out}


def report(r: dict, repeat: int) -> str:
    files = r["files"]
    lines = [f"{len(files)} PDFs, {r['pages']} pages, {r['mb']:.2f} MB; CPU seconds, best of {repeat}"]
    for name, sec in r["seconds"].items():
        lines.append(f"  {name:<9} {sec:7.3f} s  {r['mb'] / max(sec, 1e-9):7.2f} MB/s  "
                     f"{r['pages'] / max(sec, 1e-9):8.1f} pages/s")
    ratio = r["seconds"]["pdfminer"] / max(r["seconds"]["pdfium"], 1e-9)
    lines.append(f"pdfium / pdfminer throughput ratio: {ratio:.1f}x (target >= {TARGET:.0f}x)")
    same = sum(f["same_text"] for f in files)
    stored = sum(f["same_stored"] for f in files)
    lines.append(f"identical text from read_pdf: {same} of {len(files)} files; identical stored text: "
                 f"{stored} of {len(files)}")
    for f in files:
        if not f["same_text"]:
            kind = "stored text identical" if f["same_stored"] else "STORED TEXT DIFFERS"
            lines.append(f"  {f['file']}: {kind}; {f['difference']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", help="folder of PDFs (default: generate a varied synthetic corpus)")
    p.add_argument("--n", type=int, default=60, help="PDFs to generate when --dir is not given")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--repeat", type=int, default=3, help="runs per reader; the best is kept")
    args = p.parse_args(argv)
    if args.dir:
        files = [(f.name, f.read_bytes()) for f in sorted(Path(args.dir).iterdir()) if f.suffix.lower() == ".pdf"]
    else:
        from bench.pdf_corpus import make_corpus

        with tempfile.TemporaryDirectory(prefix="bench_pdf_") as tmp:
            files = make_corpus(args.n, args.seed, Path(tmp))
    if not files:
        p.error("no PDFs to read")
    print(report(run(files, args.repeat), args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
