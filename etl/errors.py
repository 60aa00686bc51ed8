"""The one error type parsing raises for bad input, with a reason in Chinese and English."""
from __future__ import annotations


class ReportError(Exception):
    """A file that cannot become a report. `code` is stable and machine-readable."""

    def __init__(self, code: str, zh: str, en: str):
        super().__init__(f"{code}: {en}")
        self.code = code
        self.zh = zh
        self.en = en

    def __reduce__(self):
        # Worker processes send errors back by pickling; the default would call __init__ with one argument.
        return (type(self), (self.code, self.zh, self.en))

    @property
    def reason(self) -> str:
        """Bilingual reason as stored in ingest_log."""
        return f"{self.zh} / {self.en}"
