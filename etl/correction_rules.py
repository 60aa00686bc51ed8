"""What a corrected or added number must satisfy: the rules the data checks apply, said in Chinese and English."""
from __future__ import annotations

from typing import Optional

FAR = 10  # a value more than FAR times the largest the corpus holds for its indicator is refused
MIN_CORPUS = 20  # ... once the corpus holds at least this many values of it (fewer say nothing of its range)


def value_problem(indicator: str, value: float, unit: str, catalog,
                  corpus: Optional[tuple[Optional[float], int]] = None) -> Optional[str]:
    """Why this value cannot stand for the indicator, or None. `corpus` is (largest value, count) extracted."""
    ind = catalog.get(indicator)
    if ind is None:
        return f"未知指标 {indicator} / unknown indicator {indicator}"
    if unit != ind.unit:
        return f"{ind.name_zh}的单位应为“{ind.unit}” / {ind.name_en} is counted in {ind.unit}, not {unit}"
    if ind.is_rate and not 0 <= value <= 100:
        return f"比率应在 0–100 之间,而不是 {value:g} / a rate lies between 0 and 100, not {value:g}"
    if not ind.is_rate and value < 0:
        return f"数量不能为负数 {value:g} / a count cannot be negative ({value:g})"
    if corpus is not None:
        largest, n = corpus
        if n >= MIN_CORPUS and largest and value > FAR * largest:
            return (f"{value:g} 超过语料中该指标最大值 {largest:g} 的 {FAR} 倍,请核对 / {value:g} is more than "
                    f"{FAR}x the largest {ind.name_en} value in the corpus ({largest:g}): check it")
    return None
