"""Export the public views as Parquet files partitioned by year, for Spark, Trino or DuckDB on object storage."""
from __future__ import annotations

import shutil
from pathlib import Path

from etl.warehouse import PUBLIC_VIEWS, Warehouse


def export_parquet(db: str, out: str) -> dict[str, int]:
    """Write <out>/<view>/year=<y>/*.parquet for every public view; returns rows written per view.

    Views without a year column (sections, terms) get the report's year joined in, so every dataset
    partitions the same way. A report without a known year lands in year=__HIVE_DEFAULT_PARTITION__.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    out_dir = Path(out)
    counts: dict[str, int] = {}
    with Warehouse.open(db, read_only=True) as wh:
        existing = {v for (v,) in wh.con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        for view in PUBLIC_VIEWS:
            if view not in existing:
                continue
            target = out_dir / view
            if target.exists():
                shutil.rmtree(target)  # a re-export replaces the old one whole
            reader = wh.view_batches(view, with_year=view != "ingest_log")
            n = 0

            def batches(reader=reader):
                nonlocal n
                for batch in reader:
                    n += batch.num_rows
                    yield batch

            partitioning = ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive") \
                if "year" in reader.schema.names else None
            schema = reader.schema
            if partitioning is not None:
                schema = schema.set(schema.get_field_index("year"), pa.field("year", pa.int32()))
                source = (b.cast(schema) for b in batches())
            else:
                source = batches()
            ds.write_dataset(source, target, schema=schema, format="parquet", partitioning=partitioning,
                             existing_data_behavior="overwrite_or_ignore")
            counts[view] = n
    return counts
