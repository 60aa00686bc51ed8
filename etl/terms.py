"""Term counts of one text: phrase terms (《书名》, “口号”, dictionary phrases) plus segmented words, stopwords out."""
from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from etl.segment import needs_split, split_run

QUOTE_MAX = 10  # a longer quotation is a sentence someone said, not a slogan: it is segmented like any text
TITLE_MAX = 60
_WORD = re.compile(r"\w")  # a token with no letter, digit or ideograph is punctuation or space: not counted
_TERM = re.compile(r"[\u3400-\u9fff]|[A-Za-z]{2}")  # pure numbers and single letters are not terms
# Inside a slogan only 、 and · may appear: any other punctuation means it is a clause, not a name.
_QUOTE = rf"“(?P<quote>[^“”\n。，；：！？,;:!?]{{1,{QUOTE_MAX}}})”"
_TITLE = rf"(?P<title>《[^《》\n]{{1,{TITLE_MAX}}}》)"


class _Shapes:
    """What each token seen so far is, kept as sets so that a report's distinct tokens are sorted by C-level
    set operations: classifying every distinct token in an interpreted loop was most of the counting cost.

    Pure memoisation (results never depend on it). Additions happen under a lock; when full, a fresh object
    replaces the module's reference, so a caller holding the old one still sees consistent sets.
    """

    LIMIT = 1 << 20  # distinct tokens remembered

    def __init__(self) -> None:
        self.known: set[str] = set()
        self.not_word: set[str] = set()  # punctuation and spaces
        self.termish: set[str] = set()  # shaped like a term, before stopwords
        self.split: set[str] = set()  # engine tokens that Tokenizer.cut would have split (ASCII runs)
        self.allowed: dict[frozenset[str], set[str]] = {}  # termish minus one stopword list

    def learn(self, tokens: Iterable[str]) -> None:
        with _LOCK:
            for token in tokens:
                if needs_split(token):
                    self.split.add(token)
                if _WORD.search(token) is None:
                    self.not_word.add(token)
                elif len(token) >= 2 and _TERM.search(token):
                    self.termish.add(token)
                    for stop, allowed in self.allowed.items():
                        if token not in stop:
                            allowed.add(token)
                self.known.add(token)

    def allowed_for(self, stopwords: frozenset[str]) -> set[str]:
        got = self.allowed.get(stopwords)
        if got is None:
            with _LOCK:
                if len(self.allowed) >= 16:
                    self.allowed.clear()
                got = self.allowed[stopwords] = self.termish - stopwords
        return got


_LOCK = threading.Lock()
_SHAPES = _Shapes()


def _shapes() -> _Shapes:
    global _SHAPES
    if len(_SHAPES.known) > _Shapes.LIMIT:
        _SHAPES = _Shapes()
    return _SHAPES


class Segmenter(Protocol):
    phrases: Sequence[str]

    def cut(self, text: str) -> list[str]: ...


@dataclass(frozen=True)
class TermCounts:
    terms: tuple[tuple[str, int], ...]  # (term, n) in order of first occurrence, phrase terms last
    tokens: int  # word tokens of the text (stopwords included, punctuation and spaces not)


@lru_cache(maxsize=8)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    """Book titles, short quotations and the dictionary's punctuated phrases, in that order of preference."""
    parts = [_TITLE, _QUOTE]
    if phrases:
        parts.append("(?P<phrase>" + "|".join(re.escape(p) for p in phrases) + ")")
    return re.compile("|".join(parts))


def _starts(text: str, marks: Iterable[str]) -> list[int]:
    """Where a phrase could start: str.find runs at C speed, a regex scan of every position does not."""
    out = []
    for mark in marks:
        i = text.find(mark)
        while i >= 0:
            out.append(i)
            i = text.find(mark, i + 1)
    return sorted(out)


def is_term(token: str, stopwords: Collection[str] = ()) -> bool:
    """Two or more characters with an ideograph (or two letters), and not a stopword."""
    return len(token) >= 2 and token not in stopwords and _TERM.search(token) is not None


def phrase_spans(text: str, phrases: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, term) of every phrase term: 《行政处罚法》 keeps its marks, “放管服” counts as 放管服."""
    # Same result as finditer: try the pattern only where a match can start, left to right, never overlapping.
    rx, out, end = phrase_pattern(tuple(phrases)), [], 0
    for pos in _starts(text, ("《", "“", *phrases)):
        if pos < end:
            continue
        m = rx.match(text, pos)
        if m:
            end = m.end()
            out.append((pos, end, m.group("title") or m.group("phrase") or m.group("quote").strip()))
    return out


def count_terms(text: str, tokenizer: Segmenter, stopwords: Collection[str] = frozenset()) -> TermCounts:
    """Count the terms of `text`. Phrase terms are cut out first and count as one token each; the rest is
    segmented by `tokenizer` (etl.segment.Tokenizer). Pure: same text, dictionary and stopwords, same result."""
    phrases: dict[str, int] = {}
    tokens = 0
    pieces, pos = [], 0
    for start, end, term in phrase_spans(text, tokenizer.phrases):
        pieces.append(text[pos:start])
        pos = end
        if _WORD.search(term):
            tokens += 1
        if is_term(term, stopwords):
            phrases[term] = phrases.get(term, 0) + 1
    pieces.append(text[pos:])
    # One segmenter call over the rest, joined at line breaks so no word spans a removed phrase.
    rest = "\n".join(pieces) if len(pieces) > 1 else text
    counting = getattr(tokenizer, "cut_for_counting", None)
    cut = counting(rest) if counting else tokenizer.cut(rest)
    seen = Counter(cut)
    keys = seen.keys()
    shapes = _shapes()
    if not keys <= shapes.known:
        shapes.learn(keys - shapes.known)
    total = len(cut)
    odd = keys & shapes.split
    if odd:
        # Split the engine's ASCII runs as Tokenizer.cut does (jieba's way): the counts come out the same.
        for run in odd:
            n = seen.pop(run)
            parts = split_run(run)
            total += n * (len(parts) - 1)
            for part in parts:
                seen[part] += n
        if not keys <= shapes.known:
            shapes.learn(keys - shapes.known)
    tokens += total - sum(seen[k] for k in keys & shapes.not_word)
    stop = stopwords if isinstance(stopwords, frozenset) else frozenset(stopwords)
    # Filter in the Counter's order (first occurrence), never in set order: string hashes, and so set order,
    # differ between processes. filter/map/zip with C-level callables keep the loop out of the interpreter.
    wanted = list(filter(shapes.allowed_for(stop).__contains__, keys))
    terms = tuple(zip(wanted, map(seen.__getitem__, wanted), strict=True))
    if phrases:
        if any(p in seen for p in phrases):  # “放管服” and a bare 放管服 are one term
            merged = dict(terms)
            for term, n in phrases.items():
                merged[term] = merged.get(term, 0) + n
            terms = tuple(merged.items())
        else:
            terms += tuple(phrases.items())
    return TermCounts(terms, tokens)


def sentence_terms(sentences: Sequence[str], tokenizer: Segmenter, stopwords: Collection[str] = ()
                   ) -> list[frozenset[str]]:
    """The set of terms of each sentence (for co-occurrence: a term counts once per sentence)."""
    return [frozenset(t for t, _ in count_terms(s, tokenizer, stopwords).terms) for s in sentences]
