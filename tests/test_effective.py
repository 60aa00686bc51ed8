"""The materialised effective tables (reports_eff, facts_eff, ...) always equal their live views after a write."""
from __future__ import annotations

from etl.ingest import rebuild
from etl.warehouse import Warehouse, writing

from .test_review import BA, QY, review

PAIRS = (("reports_eff", "v_reports_live"), ("facts_extracted_eff", "v_facts_extracted_live"),
         ("facts_eff", "v_facts_live"))


def stale(db) -> dict[str, int]:
    """Rows that differ between each table and its live view, either way (empty when fresh)."""
    out = {}
    with Warehouse.open(db) as wh:
        for table, view in PAIRS:
            n = wh.con.execute(f"SELECT count(*) FROM ((FROM {view} EXCEPT ALL FROM {table}) "
                               f"UNION ALL (FROM {table} EXCEPT ALL FROM {view}))").fetchone()[0]
            if n:
                out[table] = n
    return out


def test_fresh_after_ingest_corrections_rebuild_and_delete(db):
    assert stale(db) == {}
    review(db)
    assert stale(db) == {}
    with Warehouse.open(db) as wh:
        assert wh.con.execute("SELECT count(*) FROM v_facts WHERE status <> 'extracted'").fetchone()[0] == 3
        assert wh.con.execute("SELECT status FROM v_reports WHERE report_id = ?", [BA]).fetchone() == ("corrected",)
    rebuild(str(db), progress=False, workers=1)
    assert stale(db) == {}
    with writing(db) as wh:
        wh.delete_report(QY)
    assert stale(db) == {}


def test_raw_sql_on_a_writable_warehouse_is_refreshed_before_reads_and_on_close(db):
    review(db)
    with Warehouse.open(db, read_only=False) as wh:
        wh.con.execute("UPDATE reports SET agency = '改名局' WHERE report_id = ?", [QY])
        assert wh.query("report_meta", {"report_id": QY})["agency"].tolist() == ["改名局"]
        wh.con.execute("DELETE FROM facts WHERE report_id = ?", [QY])
    assert stale(db) == {}


def test_an_older_warehouse_gains_filled_tables_on_a_writable_open(db):
    review(db)
    with Warehouse.open(db, read_only=False) as wh:
        for table, _ in PAIRS:
            wh._db.execute(f"DROP TABLE {table} CASCADE")
    with Warehouse.open(db, read_only=False):
        pass
    assert stale(db) == {}
    with Warehouse.open(db) as wh:
        assert wh.con.execute("SELECT count(*) FROM v_facts").fetchone()[0] > 0


def test_a_read_only_open_of_a_warehouse_without_term_totals_computes_them_live(db):
    with Warehouse.open(db) as wh:
        expected = wh.query("kw_vocab", {"limit": 20})
    with Warehouse.open(db, read_only=False) as wh:
        wh._db.execute("DROP TABLE term_totals")  # as built before the table existed
    with Warehouse.open(db) as wh:
        assert wh.query("kw_vocab", {"limit": 20}).equals(expected)
