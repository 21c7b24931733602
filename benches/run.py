#!/usr/bin/env python3
"""huntbench's benchmark against duckdb-kql: one command, see benches/README.md.

Builds the release binaries, generates the data (if missing) with `huntbench sample generate --rows`, then
times each query in a fresh process per measurement, huntbench and the peer side by side on the same files,
and prints a Markdown table (also written to benches/results.md) and the raw numbers (JSON)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benches")
CORPUS = os.environ.get("HUNTBENCH_SHARED", os.path.join(ROOT, "..", "shared")) + "/corpus/sentinel-m365d/Hunting Queries/Microsoft 365 Defender"

SEEDS = ["rmm_SupRemo_filesig", "rmm_SupRemo_netconn", "rmm_Action1_filesig", "rmm_NetSupport_filesig", "rmm_RemotePC_filesig"]
CORPUS_QUERIES = [
    # (short name, kind, path under the corpus)
    ("join: compromised-certificate[Nobelium]", "join", "Campaigns/compromised-certificate[Nobelium].yaml"),
    ("summarize: SMB shares discovery", "summarize", "Discovery/SMB shares discovery.yaml"),
    ("has_any x18: rmm_ZohoAssist_netconn", "has_any", "RemoteManagementMonitoring/rmm_ZohoAssist_netconn.yaml"),
]


def query_of(path):
    import yaml
    with open(path) as f:
        return yaml.safe_load(f)["query"]


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def bin_path(name):
    return os.path.join(target_dir(), "release", name)


def build():
    subprocess.run(["cargo", "build", "--release", "--bin", "huntbench", "--bin", "huntbench-bench"], cwd=ROOT, check=True)


def generate(data, rows, fmt):
    d = os.path.join(data, f"{fmt}-{rows}")
    if not os.path.exists(os.path.join(d, "manifest.json")):
        t = time.perf_counter()
        subprocess.run([bin_path("huntbench"), "sample", "generate", "--out", d, "--rows", str(rows), "--format", fmt],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"generated {d} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return d


def warm(d):
    """Reads every file of a data set once, so that the first measurement of either side does not pay for the
    disk (with one repetition, the side measured first would)."""
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), "rb") as f:
            while f.read(1 << 24):
                pass


def measure(cmd):
    """Runs cmd; returns (its JSON output, peak RSS in MB, wall seconds)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.strip()}")
    return json.loads(out), ru.ru_maxrss / 1024.0, wall


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--formats", default="parquet,csv")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--reps-big-csv", type=int, default=1, help="repetitions for CSV at the largest size")
    ap.add_argument("--data", default="/work/cache/bench-data")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--only", help="run only queries whose name contains this")
    a = ap.parse_args()
    if not a.no_build:
        build()
    qdir = os.path.join(a.data, "queries")
    os.makedirs(qdir, exist_ok=True)
    queries = []  # (name, kind, kql file, sql file or None, rerun)
    for s in SEEDS:
        queries.append((s, "seed", os.path.join(ROOT, "rules", s + ".yaml")))
    for name, kind, rel in CORPUS_QUERIES:
        queries.append((name, kind, os.path.join(CORPUS, rel)))
    jobs = []
    for name, kind, path in queries:
        if a.only and a.only not in name:
            continue
        slug = name.split(":")[-1].strip().replace(" ", "_").replace("[", "").replace("]", "")
        qf = os.path.join(qdir, slug + ".kql")
        with open(qf, "w") as f:
            f.write(query_of(path))
        sql = os.path.join(BENCH, "sql", slug + ".sql")
        jobs.append((name, kind, qf, sql if os.path.exists(sql) else None))
    sizes = [int(x) for x in a.sizes.split(",")]
    results = []
    for rows in sizes:
        for fmt in a.formats.split(","):
            d = generate(a.data, rows, fmt)
            warm(d)
            reps = a.reps_big_csv if (fmt == "csv" and rows == max(sizes) and len(sizes) > 1) else a.reps
            for name, kind, qf, sql in jobs:
                hb, peer = [], []
                for _ in range(reps):
                    j, rss, wall = measure([bin_path("huntbench-bench"), "--data", d, "--query", qf])
                    hb.append((j, rss, wall))
                    cmd = [sys.executable, os.path.join(BENCH, "peer.py"), "--data", d, "--query", qf]
                    if sql:
                        cmd += ["--sql", sql]
                    j, rss, wall = measure(cmd)
                    peer.append((j, rss, wall))
                r = {
                    "rows": rows, "format": fmt, "query": name, "kind": kind, "reps": reps,
                    "hb_s": med([x[0]["open_s"] + x[0]["run_s"] for x in hb]),
                    "hb_run_s": med([x[0]["run_s"] for x in hb]),
                    "hb_rss_mb": max(x[1] for x in hb),
                    "hb_rows": hb[0][0]["rows"],
                    "peer_s": med([x[0]["setup_s"] + x[0]["run_s"] for x in peer]),
                    "peer_rss_mb": max(x[1] for x in peer),
                    "peer_rows": peer[0][0]["rows"],
                    "peer_engine": peer[0][0]["engine"],
                }
                r["ratio"] = r["peer_s"] / r["hb_s"] if r["hb_s"] > 0 else float("nan")
                if r["hb_rows"] != r["peer_rows"]:
                    print(f"!!! ROW COUNT MISMATCH {rows} {fmt} {name}: huntbench {r['hb_rows']} vs peer {r['peer_rows']}",
                          file=sys.stderr)
                    r["mismatch"] = True
                print(json.dumps(r), file=sys.stderr)
                results.append(r)
            # Re-run after a parameter change, in the same process (as the TUI does).
            supremo = next((j for j in jobs if j[0] == "rmm_SupRemo_filesig"), None)
            if supremo:
                for label, flag in [("Time_start=now(-3d)", ["--rerun-set", "Time_start=now(-3d)"]),
                                    ("signer Nanosystems -> Action1", ["--rerun-replace", "'Nanosystems S.R.L.'=>'Action1 Corporation'"])]:
                    xs = [measure([bin_path("huntbench-bench"), "--data", d, "--query", supremo[2], "--cache-mib", "2048"] + flag)
                          for _ in range(reps)]
                    r = {"rows": rows, "format": fmt, "query": f"re-run SupRemo_filesig after {label}", "kind": "rerun", "reps": reps,
                         "cold_s": med([x[0]["run_s"] for x in xs]), "rerun_s": med([x[0]["rerun_s"] for x in xs]),
                         "hb_rss_mb": max(x[1] for x in xs), "rerun_rows": xs[0][0]["rerun_rows"]}
                    r["rerun_pct"] = 100.0 * r["rerun_s"] / r["cold_s"]
                    print(json.dumps(r), file=sys.stderr)
                    results.append(r)
    with open(os.path.join(a.data, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines = ["| rows | format | query | huntbench s | peer s | peer/huntbench | huntbench RSS MB | peer RSS MB | rows (hb/peer) | peer |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if r["kind"] == "rerun":
            continue
        lines.append(f"| {r['rows']:,} | {r['format']} | {r['query']} | {r['hb_s']:.3f} | {r['peer_s']:.3f} | {r['ratio']:.2f}x | "
                     f"{r['hb_rss_mb']:.0f} | {r['peer_rss_mb']:.0f} | {r['hb_rows']}/{r['peer_rows']}{' MISMATCH' if r.get('mismatch') else ''} | {r['peer_engine']} |")
    lines += ["", "| rows | format | re-run (same process, scan cache on) | cold run s | re-run s | re-run / cold | RSS MB |", "|---|---|---|---|---|---|---|"]
    for r in results:
        if r["kind"] == "rerun":
            lines.append(f"| {r['rows']:,} | {r['format']} | {r['query']} | {r['cold_s']:.3f} | {r['rerun_s']:.3f} | {r['rerun_pct']:.1f}% | {r['hb_rss_mb']:.0f} |")
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(BENCH, "results.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
