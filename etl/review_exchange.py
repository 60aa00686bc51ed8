"""Corrections in and out of a warehouse as CSV: export, and a merge that lists conflicts and refuses bad rows."""
from __future__ import annotations

from etl.corrections import (
    Correction,
    ImportPlan,
    from_row,
    plan_import,
    read_csv,
    save,
    value_problem_in,
    write_csv,
)


def export_corrections(db: str, out: str) -> int:
    """Write every correction in the warehouse at `db` to the CSV `out`; returns how many."""
    from etl.warehouse import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        rows = wh.query("review_corrections").to_dict("records")
    return write_csv(rows, out)


def existing_corrections(wh) -> list[Correction]:
    return [from_row(r) for r in wh.query("review_corrections").to_dict("records")]


def import_corrections(db: str, path: str) -> tuple[ImportPlan, list[tuple[int, str]]]:
    """Merge the CSV at `path` into the corrections of the warehouse at `db`: new rows are appended to its
    corrections store in one transaction (the warehouse file is not rewritten), conflicts only reported."""
    from etl.warehouse import Warehouse

    incoming, bad = read_csv(path)
    with Warehouse.open(db, read_only=True) as wh:
        plan = plan_import(existing_corrections(wh), incoming)
        # A number that breaks a rule is refused on its own row, with its reason; the other rows go in.
        skipped = {line for line, _ in bad}
        good_lines = (n for n in range(2, 2 + len(incoming) + len(bad)) if n not in skipped)
        lines = {c.uid: line for c, line in zip(incoming, good_lines, strict=False)}
        ranges: dict[str, tuple] = {}
        refused = [(c, value_problem_in(wh, c, ranges)) for c in plan.new]
        bad += [(lines.get(c.uid, 0), why) for c, why in refused if why]
        plan.new = [c for c, why in refused if not why]
        save(wh, plan.new, origin="import")
    return plan, sorted(bad)
