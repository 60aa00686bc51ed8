"""Sentence and clause spans of normalised report text, and the bracketed asides inside them."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

SENTENCE_ENDS = "。!?;\n"
CLAUSE_ENDS = ",:"
# Asides whose content is a name or a parenthetical: they neither split a clause nor count as distance.
BRACKETS = {"(": ")", "《": "》", "【": "】", "[": "]", "〔": "〕", "<": ">", "〈": "〉"}
QUOTES = {"“": "”", "‘": "’"}

# These scans jump from one interesting character to the next with a regex instead of a Python loop over
# every character: the other characters change nothing, so the result is the same.
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_ENDS)}]")
_CLAUSE_END = re.compile(f"[{re.escape(CLAUSE_ENDS)}]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@functools.lru_cache(maxsize=64)
def _marks(pairs: tuple[tuple[str, str], ...]) -> re.Pattern:
    """Openers, closers and the line break: the only characters bracket_groups acts on."""
    chars = {"\n"} | {c for pair in pairs for c in pair}
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def bracket_groups(text: str, start: int = 0, end: int | None = None,
                   pairs: dict[str, str] = BRACKETS) -> tuple[Span, ...]:
    """Complete outermost bracket groups (opening to closing mark, both included) in text[start:end]."""
    end = len(text) if end is None else end
    out: list[Span] = []
    stack: list[str] = []
    opened = 0
    for m in _marks(tuple(pairs.items())).finditer(text, start, end):
        i = m.start()
        ch = text[i]
        if ch in pairs:
            if not stack:
                opened = i
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                out.append(Span(opened, i + 1))
        elif ch == "\n":
            stack = []  # an unclosed bracket never runs past a line
    return tuple(out)


def _trimmed(text: str, a: int, b: int) -> Optional[tuple[int, int]]:
    """text[a:b] without surrounding whitespace (str.strip and str.isspace agree on what that is)."""
    if a < b and not text[a].isspace() and not text[b - 1].isspace():
        return a, b  # the usual case, without copying the sentence
    seg = text[a:b]
    left = seg.lstrip()
    if not left:
        return None
    a += len(seg) - len(left)
    return a, a + len(left.rstrip())


# Real sentences stay well under this; an unpunctuated run (a flattened table, hostile input) is cut into
# pieces of at most this many characters, because the work per sentence grows faster than its length.
MAX_SENTENCE = 500
_SOFT_BREAKS = ",:、 "
_NUMERIC = set("0123456789.%零〇一二三四五六七八九十百千万亿两")


def _capped(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    """Append text[a:b], trimmed, to out: in pieces of at most MAX_SENTENCE characters when it is longer."""
    while b - a > MAX_SENTENCE:
        limit = a + MAX_SENTENCE
        cut = max(text.rfind(c, a + MAX_SENTENCE // 2, limit) for c in _SOFT_BREAKS) + 1
        if cut <= 0:  # no clause break: cut where no number is split
            cut = limit
            while cut > a + MAX_SENTENCE // 2 and (text[cut] in _NUMERIC or text[cut - 1] in _NUMERIC):
                cut -= 1
        span = _trimmed(text, a, cut)
        if span is not None:
            out.append(span)
        a = cut
    span = _trimmed(text, a, b)
    if span is not None:
        out.append(span)


def sentence_bounds(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every sentence split_sentences gives, without building a Span for each."""
    end = len(text) if end is None else end
    out, s = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        i = m.start()
        _capped(text, s, i if text[i] == "\n" else i + 1, out)
        s = i + 1
    if start <= end:
        _capped(text, s, end, out)
    return out


def split_sentences(text: str, start: int = 0, end: int | None = None) -> tuple[Span, ...]:
    """Sentences of text[start:end], whitespace trimmed, empty ones dropped."""
    return tuple(Span(a, b) for a, b in sentence_bounds(text, start, end))


def _thousands_comma(text: str, i: int) -> bool:
    """The comma of 6,200: normalisation made it the same character as the clause comma."""
    return (text[i] == "," and i > 0 and text[i - 1].isdigit() and text[i + 1:i + 4].isdigit()
            and len(text[i + 1:i + 4]) == 3 and not text[i + 4:i + 5].isdigit())


def split_clauses(text: str, sent: Span, groups: Optional[tuple[Span, ...]] = None) -> tuple[Span, ...]:
    """Clauses of one sentence, split at ',' and ':' outside brackets: (含撤销、终止,共43宗) stays whole.

    `groups` may pass in bracket_groups(text, sent.start, sent.end) when the caller already has them.
    """
    out, s = [], sent.start
    for m in _CLAUSE_END.finditer(text, sent.start, sent.end):
        i = m.start()
        if groups is None:
            groups = bracket_groups(text, sent.start, sent.end)
        if not _thousands_comma(text, i) and not any(g.start < i < g.end for g in groups):
            out.append(Span(s, i))
            s = i + 1
    out.append(Span(s, sent.end))
    return tuple(c for c in out if c.end > c.start)
