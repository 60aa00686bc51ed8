"""Synthetic national corpus: N realistic reports in all formats, with truth.jsonl and manifest.csv."""
from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Optional

import yaml

from etl.synth_places import Divisions, load_agency_types, load_divisions, pick_entity
from etl.synth_render import RENDERERS
from etl.synth_report import Draft, compose, pick_year

PHRASES_PATH = Path(__file__).parent / "catalog" / "synth_phrases.yaml"
FORMATS = ("html", "txt", "docx", "pdf")
# Realistic shares: most reports are web pages; attachments (.docx, .pdf) are fewer and slow to write.
FORMAT_WEIGHTS = {"html": 0.62, "txt": 0.30, "docx": 0.05, "pdf": 0.03}


@dataclass(frozen=True)
class Generator:
    """Everything loaded once: the phrase templates, the division data and the agency types."""

    phrases: dict
    divisions: Divisions
    agency_types: dict
    units: dict  # indicator code → catalogue unit

    @classmethod
    def load(cls, phrases_path: Path = PHRASES_PATH, divisions: Optional[Divisions] = None) -> Generator:
        with open(phrases_path, encoding="utf-8") as f:
            phrases = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        units = {code: spec["unit"] for code, spec in phrases["indicators"].items()}
        return cls(phrases, divisions or load_divisions(), load_agency_types(), units)

    def draft(self, seed: int, i: int, formats: tuple[str, ...] = FORMATS) -> tuple[Draft, str]:
        """Report number i of a corpus: depends only on (seed, i), never on N or on the other reports."""
        rng = random.Random(f"synth:{seed}:{i}")
        fmt = rng.choices(formats, weights=[FORMAT_WEIGHTS[f] for f in formats])[0]
        entity = pick_entity(rng, self.divisions, self.agency_types, self.phrases)
        return compose(rng, entity, pick_year(rng), fmt, self.phrases, self.units), fmt

    def render(self, seed: int, i: int, formats: tuple[str, ...] = FORMATS) -> tuple[str, bytes, dict]:
        """(file name, file bytes, truth line) of report i."""
        draft, fmt = self.draft(seed, i, formats)
        rng = random.Random(f"render:{seed}:{i}")
        data, encoding = RENDERERS[fmt](rng, draft.blocks)
        name = f"syn{i:06d}.{fmt}"
        return name, data, truth_line(name, fmt, encoding, draft)


def truth_line(name: str, fmt: str, encoding: Optional[str], d: Draft) -> dict:
    e = d.entity
    published = d.published.isoformat() if d.published else None
    return {
        "file": name, "format": fmt, "encoding": encoding, "agency": e.agency, "agency_type": e.agency_type,
        "level": e.level, "province": e.province, "city": e.city, "county": e.county, "year": d.year,
        "published": published,
        "on_time": None if d.published is None else d.published <= _deadline(d.year),
        "sections": d.sections, "facts": list(d.facts),
    }


def _deadline(year: int):
    import datetime as dt

    return dt.date(year + 1, 3, 31)


def parse_formats(spec: Optional[str]) -> tuple[str, ...]:
    """'txt,html' → ('txt', 'html'); None → all formats."""
    if not spec:
        return FORMATS
    wanted = tuple(f.strip().lower() for f in spec.split(",") if f.strip())
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ValueError(f"unknown format(s) {', '.join(bad) or spec!r}: choose from {', '.join(FORMATS)}")
    return wanted


def _write_chunk(gen: Generator, out: Path, seed: int, formats: tuple[str, ...], span: tuple[int, int]) -> list:
    """Write reports span[0]..span[1]-1 and return their truth lines (run in a worker process)."""
    truths = []
    for i in range(*span):
        name, data, truth = gen.render(seed, i, formats)
        (out / name).write_bytes(data)
        truths.append(truth)
    return truths


def generate(n: int, out: Path, seed: int = 0, formats: tuple[str, ...] = FORMATS,
             gen: Optional[Generator] = None, progress: Optional[Callable[[int], None]] = None,
             workers: int = 1, chunk: Optional[int] = None) -> Counter:
    """Write n reports into out with truth.jsonl and manifest.csv; returns the count per (format, encoding).

    With workers > 1 the reports are written by that many processes; the output is the same bytes.
    """
    gen = gen or Generator.load()
    out.mkdir(parents=True, exist_ok=True)
    chunk = chunk or max(200, min(2000, n // max(1, workers * 4)))  # reports per task
    spans = [(a, min(n, a + chunk)) for a in range(0, n, chunk)]
    write = partial(_write_chunk, gen, out, seed, formats)
    counts: Counter = Counter()
    with open(out / "truth.jsonl", "w", encoding="utf-8") as tf, \
            open(out / "manifest.csv", "w", encoding="utf-8", newline="") as mf, \
            (ProcessPoolExecutor(workers) if workers > 1 and len(spans) > 1 else nullcontext()) as pool:
        manifest = csv.writer(mf)
        manifest.writerow(["file", "source"])
        done = 0
        for truths in (pool.map(write, spans) if pool else map(write, spans)):
            for truth in truths:
                tf.write(json.dumps(truth, ensure_ascii=False) + "\n")
                manifest.writerow([truth["file"], "synthetic"])
                counts[(truth["format"], truth["encoding"])] += 1
            done += len(truths)
            if progress:
                progress(done)
    return counts


def read_truth(path: Path) -> Iterable[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
