#!/usr/bin/env python3
"""The peer side of the benchmark: one KQL query through duckdb-kql (or hand-written SQL) over DuckDB views
of the same files huntbench reads. Prints one JSON object: setup seconds, run seconds, rows, which path ran."""
import argparse
import datetime as dt
import json
import os
import sys
import time

import duckdb
import duckdb_kql

TABLES = ["DeviceInfo", "DeviceFileCertificateInfo", "DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileEvents"]


SCHEMA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "data", "defender_tables.json")
DUCK = {"string": "VARCHAR", "guid": "VARCHAR", "dynamic": "VARCHAR", "long": "BIGINT", "int": "INTEGER",
        "bool": "BOOLEAN", "real": "DOUBLE", "decimal": "DOUBLE", "datetime": "VARCHAR", "timespan": "VARCHAR"}


def csv_view(con, t, csv, schema):
    """A view of a CSV export with the documented column types (no sniffing); datetimes are ISO-8601 text
    with 7 fraction digits and a Z, cast to TIMESTAMP."""
    with open(csv, encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\r\n").split(",")
    types = {c["name"]: c["type"] for c in schema.get(t, [])}
    cols = ", ".join(f"'{h}': '{DUCK.get(types.get(h, 'string'), 'VARCHAR')}'" for h in header)
    casts = [f"CAST(replace({h}, 'Z', '') AS TIMESTAMP) AS {h}" for h in header if types.get(h) == "datetime"]
    repl = f" REPLACE ({', '.join(casts)})" if casts else ""
    con.execute(f"CREATE VIEW {t} AS SELECT *{repl} FROM read_csv('{csv}', header=true, columns={{{cols}}})")


def views(con, data):
    with open(SCHEMA) as f:
        schema = json.load(f)
    for t in TABLES:
        pq = os.path.join(data, t + ".parquet")
        csv = os.path.join(data, t + ".csv")
        if os.path.exists(pq):
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{pq}')")
        elif os.path.exists(csv):
            csv_view(con, t, csv, schema)


def now_of(data):
    with open(os.path.join(data, "manifest.json")) as f:
        ref = json.load(f)["reference_time"]
    return dt.datetime.fromisoformat(ref.replace("Z", "+00:00"))


def run(con, kql, sql, now):
    if kql is not None:
        try:
            rel = duckdb_kql.query(con, kql, query_now=now)
            return "duckdb-kql", rel.fetchall()
        except Exception as e:  # unsupported: fall back to the hand-written SQL
            if sql is None:
                raise
            sys.stderr.write(f"duckdb-kql failed ({type(e).__name__}: {e}); hand SQL\n")
    return "sql", con.execute(sql).fetchall()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--query", required=True, help="file with the KQL")
    ap.add_argument("--sql", help="file with hand-written SQL (fallback, or --sql-only)")
    ap.add_argument("--sql-only", action="store_true")
    ap.add_argument("--rerun-query", help="file with the KQL after a parameter change")
    ap.add_argument("--rerun-sql")
    a = ap.parse_args()
    kql = None if a.sql_only else open(a.query).read()
    sql = open(a.sql).read() if a.sql else None
    t0 = time.perf_counter()
    con = duckdb.connect()
    views(con, a.data)
    now = now_of(a.data)
    setup = time.perf_counter() - t0
    if kql is not None:
        # Warm up duckdb-kql's parser and translator outside the timing (generous to the peer).
        duckdb_kql.query(con, "print x = 1", query_now=now).fetchall()
    t1 = time.perf_counter()
    engine, rows = run(con, kql, sql, now)
    t2 = time.perf_counter()
    out = {"setup_s": setup, "run_s": t2 - t1, "rows": len(rows), "engine": engine}
    if a.rerun_query:
        k2 = None if a.sql_only else open(a.rerun_query).read()
        s2 = open(a.rerun_sql).read() if a.rerun_sql else None
        t3 = time.perf_counter()
        _, rows2 = run(con, k2, s2, now)
        out["rerun_s"] = time.perf_counter() - t3
        out["rerun_rows"] = len(rows2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
