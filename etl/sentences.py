"""Sentence and clause spans of normalised report text, and the bracketed asides inside them."""
from __future__ import annotations

from dataclasses import dataclass

SENTENCE_ENDS = "。!?;\n"
CLAUSE_ENDS = ",:"
# Asides whose content is a name or a parenthetical: they neither split a clause nor count as distance.
BRACKETS = {"(": ")", "《": "》", "【": "】", "[": "]", "〔": "〕", "<": ">", "〈": "〉"}
QUOTES = {"“": "”", "‘": "’"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def bracket_groups(text: str, start: int = 0, end: int | None = None,
                   pairs: dict[str, str] = BRACKETS) -> tuple[Span, ...]:
    """Complete outermost bracket groups (opening to closing mark, both included) in text[start:end]."""
    end = len(text) if end is None else end
    out, stack, opened = [], [], 0
    for i in range(start, end):
        ch = text[i]
        if ch in pairs:
            if not stack:
                opened = i
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                out.append(Span(opened, i + 1))
        elif ch in "\n":
            stack = []  # an unclosed bracket never runs past a line
    return tuple(out)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> tuple[Span, ...]:
    """Sentences of text[start:end], whitespace trimmed, empty ones dropped."""
    end = len(text) if end is None else end
    out, s = [], start
    for i in range(start, end + 1):
        if i == end or text[i] in SENTENCE_ENDS:
            a, b = s, i + 1 if i < end and text[i] != "\n" else i
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                out.append(Span(a, b))
            s = i + 1
    return tuple(out)


def _thousands_comma(text: str, i: int) -> bool:
    """The comma of 6,200: normalisation made it the same character as the clause comma."""
    return (text[i] == "," and i > 0 and text[i - 1].isdigit() and text[i + 1:i + 4].isdigit()
            and len(text[i + 1:i + 4]) == 3 and not text[i + 4:i + 5].isdigit())


def split_clauses(text: str, sent: Span) -> tuple[Span, ...]:
    """Clauses of one sentence, split at ',' and ':' outside brackets: (含撤销、终止,共43宗) stays whole."""
    groups = bracket_groups(text, sent.start, sent.end)
    out, s = [], sent.start
    for i in range(sent.start, sent.end):
        if text[i] in CLAUSE_ENDS and not _thousands_comma(text, i) and not any(g.start < i < g.end for g in groups):
            out.append(Span(s, i))
            s = i + 1
    out.append(Span(s, sent.end))
    return tuple(c for c in out if c.end > c.start)
