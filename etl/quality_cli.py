"""`python -m etl quality`: extraction scored against the hand-labelled sets (real corpus halves, openings, seeds)."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
REAL = FIXTURES / "real"
# The test half is scored, never read while writing rules: its misses are not printed (only the counts).
SETS = {
    "real-test": "the held-out half of the real corpus",
    "real-dev": "the development half of the real corpus",
    "openings": "the 23 labelled openings of the spec",
    "seeds": "the five sample reports",
    "seeds-flat": "the five sample reports with every line break dropped (flattened web text)",
    "openings-flat": "the openings, flattened",
    "real-dev-flat": "the development half, flattened",
    "real-test-flat": "the held-out half, flattened (aggregates only)",
}


def split_of(doc: str) -> str:
    """The fixed half a real document belongs to: a hash of its name, decided before any rule was written."""
    return "test" if int(hashlib.sha256(doc.encode()).hexdigest()[:8], 16) % 2 == 0 else "dev"


def load_set(name: str) -> tuple[list[dict], Path]:
    """(labels, folder of texts) of a named set."""
    from etl.quality import read_labels

    if name in ("real-test", "real-dev"):
        half = name.split("-")[1]
        split = {row["doc"]: row["half"] for row in csv.DictReader((REAL / "split.csv").open(encoding="utf-8"))}
        labels = [g for g in read_labels(REAL / "labels") if split.get(g["doc"], split_of(g["doc"])) == half]
        return labels, REAL / "texts"
    if name.endswith("-flat"):
        return load_set(name[: -len("-flat")])
    if name == "openings":
        return read_labels(FIXTURES / "gold-openings.jsonl"), FIXTURES / "openings"
    if name == "seeds":
        return read_labels(FIXTURES / "gold-seeds.jsonl"), FIXTURES / "seeds"
    raise KeyError(name)


def _cmd_quality(args) -> int:
    from etl.catalog import load_catalog
    from etl.pipeline import ParseContext
    from etl.quality import render, score_set
    from etl.regions import Gazetteer

    ctx = ParseContext(gazetteer=Gazetteer.load(), catalog=load_catalog())  # no term counting: not scored
    for name in args.set or ["real-test", "openings"]:
        labels, folder = load_set(name)
        q = score_set(name, labels, folder, ctx, flat=name.endswith("-flat"))
        print(render(q, details=args.details and not name.startswith("real-test")))
        print()
    return 0


def register(sub) -> None:
    q = sub.add_parser("quality", help="score extraction against the hand-labelled sets")
    q.add_argument("--set", action="append", choices=sorted(SETS),
                   help="a labelled set (repeatable; default: real-test and openings)")
    q.add_argument("--details", action="store_true",
                   help="list every miss (never for real-test, the held-out half)")
    q.set_defaults(func=_cmd_quality)
