"""Imports (issue 13): measurement rows from CSV, end to end over HTTP, beside
psql's \\copy of the same rows into the same table, and the server's memory for
a small and a large file.

The scenario runs on a copy of the data set (`ssw_bench_imports`, dropped
afterwards), so the rows it adds never use up the free keys of the next run.

Called by bench/run.py with its helpers; returns the figures, the lines for
RESULTS.md and the targets checked.
"""

import json
import time
import urllib.request

ROWS = 100_000
SMALL = 10_000
COPY = "ssw_bench_imports"

# Free keys: the month counts and amounts of actions and of the plan (any
# place is theirs), the months of 2023 to 2025, every municipality; none
# measured yet.
SELECTION = f"""
CREATE TABLE bench_import AS
SELECT row_number() OVER (ORDER BY m.nis_code, d, i.id) AS n, i.id AS indicator_id,
       d::date AS period_start, (d + interval '1 month' - interval '1 day')::date AS period_end,
       m.nis_code AS place_code, (row_number() OVER ()) % 997 AS value
  FROM (SELECT id FROM indicators
         WHERE granularity = 'month' AND measure IN ('count', 'amount')
           AND (action_id IS NOT NULL OR plan_id IS NOT NULL)) i
 CROSS JOIN generate_series(date '2023-01-01', date '2025-12-01', interval '1 month') d
 CROSS JOIN (SELECT nis_code FROM municipalities) m
 WHERE NOT EXISTS (SELECT 1 FROM measurements x
                    WHERE x.indicator_id = i.id AND x.period_start = d::date
                      AND x.place_type = 'municipality' AND x.place_code = m.nis_code
                      AND x.deleted_at IS NULL)
 LIMIT {ROWS + SMALL}
"""


def files(psql, work, reporter):
    """The API's CSV of the large and the small file, and the large one in the
    table's own columns for \\copy."""
    psql(COPY, "-c", "DROP TABLE IF EXISTS bench_import")
    psql(COPY, "-c", SELECTION)
    found = int(psql(COPY, "-c", "SELECT count(*) FROM bench_import").strip())
    if found < ROWS + SMALL:
        raise SystemExit(f"imports: only {found} free measurement keys in the data set")
    api = ("SELECT indicator_id AS \"indicatorId\", to_char(period_start, 'YYYY-MM') AS period, "
           "'municipality' AS \"placeType\", place_code AS \"placeCode\", value, "
           "'Voorbeeld: import' AS note FROM bench_import WHERE {where} ORDER BY n")
    large, small, table = work / "import-100k.csv", work / "import-10k.csv", work / "import-100k-table.csv"
    psql(COPY, "-c", f"\\copy ({api.format(where=f'n <= {ROWS}')}) TO '{large}' CSV HEADER")
    psql(COPY, "-c", f"\\copy ({api.format(where=f'n > {ROWS}')}) TO '{small}' CSV HEADER")
    psql(COPY, "-c", f"\\copy (SELECT indicator_id, period_start, period_end, 'municipality', "
         f"place_code, value, 'Voorbeeld: import', '{reporter}'::uuid, 'user' FROM bench_import "
         f"WHERE n <= {ROWS} ORDER BY n) TO '{table}' CSV HEADER")
    psql(COPY, "-c", "DROP TABLE bench_import")
    return large, small, table


def copy_seconds(psql, table):
    """psql's \\copy of the rows into measurements, rolled back (its triggers run)."""
    started = time.time()
    psql(COPY, "-c", "BEGIN", "-c",
         "\\copy measurements (indicator_id, period_start, period_end, place_type, place_code, value, "
         f"note, reporter_id, reporter_kind) FROM '{table}' CSV HEADER", "-c", "ROLLBACK")
    return time.time() - started


def post(base, token, path):
    """Imports the file at `path`; the seconds it took and the report."""
    body = path.read_bytes()
    request = urllib.request.Request(
        f"{base}/api/v1/imports/measurements", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    started = time.time()
    with urllib.request.urlopen(request, timeout=600) as answer:
        report = json.loads(answer.read())
    return time.time() - started, report


def scenarios(server_class, login, psql, db_url, work, base):
    """Runs the import scenarios on a server of their own that answers an
    import when it is done (so the time is end to end), on a copy of the
    data set."""
    psql("postgres", "-c", f"DROP DATABASE IF EXISTS {COPY}")
    psql("postgres", "-c", f"CREATE DATABASE {COPY} TEMPLATE ssw_bench")
    try:
        return measured(server_class, login, psql, db_url(COPY), work, base)
    finally:
        psql("postgres", "-c", f"DROP DATABASE IF EXISTS {COPY}")


def measured(server_class, login, psql, url, work, base):
    server = server_class(url, {"SSW_IMPORT_WAIT_BYTES": str(1 << 30)})
    try:
        token = login("steering-1@bench.example.org")
        reporter = psql(COPY, "-c",
                        "SELECT id FROM users WHERE email = 'steering-1@bench.example.org'").strip()
        large, small, table = files(psql, work, reporter)
        copy = copy_seconds(psql, table)
        time.sleep(0.5)
        before_mb = server.rss_kb() / 1024
        server.reset_window()
        small_seconds, small_report = post(base, token, small)
        small_mb = server.window_peak / 1024
        time.sleep(0.5)
        between_mb = server.rss_kb() / 1024
        server.reset_window()
        seconds, report = post(base, token, large)
        large_mb = server.window_peak / 1024
        again_seconds, again = post(base, token, large)
    finally:
        server.stop()
    created, unchanged = report["counts"]["created"], again["counts"]["unchanged"]
    figures = {
        "rows": ROWS, "bytes": large.stat().st_size, "copy_s": copy, "import_s": seconds,
        "again_s": again_seconds, "created": created, "unchanged": unchanged,
        "small_s": small_seconds, "small_created": small_report["counts"]["created"],
        "before_mb": before_mb, "small_mb": small_mb, "between_mb": between_mb, "large_mb": large_mb,
    }
    print(f"import: {ROWS:,} rows in {seconds:.2f} s ({ROWS / seconds:,.0f} rows/s, {created:,} created); "
          f"\\copy {copy:.2f} s ({ROWS / copy:,.0f} rows/s); unchanged again {again_seconds:.2f} s "
          f"({ROWS / again_seconds:,.0f} rows/s, {unchanged:,} unchanged); RSS {before_mb:.0f} MB before, "
          f"{small_mb:.0f} MB at most for {SMALL:,} rows, {between_mb:.0f} MB after them, "
          f"{large_mb:.0f} MB at most for {ROWS:,}", flush=True)
    return figures


def checks(f):
    """The targets of issue 13's benchmark: (label, met, figure)."""
    rate, copy_rate, again_rate = f["rows"] / f["import_s"], f["rows"] / f["copy_s"], f["rows"] / f["again_s"]
    return [
        (f"import of {f['rows']:,} measurement rows from CSV ≥ 50,000 rows/s (over HTTP, every row created)",
         rate >= 50_000 and f["created"] == f["rows"], f"{rate:,.0f} rows/s"),
        ("import ≥ 0.3 × psql \\copy of the same rows into the same table",
         rate >= 0.3 * copy_rate, f"{rate / copy_rate:.2f}×"),
        ("re-import of the unchanged file ≥ 100,000 rows/s (every row unchanged)",
         again_rate >= 100_000 and f["unchanged"] == f["rows"], f"{again_rate:,.0f} rows/s"),
        (f"server memory flat in the file's size (the rise of RSS while {f['rows']:,} rows are imported "
         f"within 16 MB of the rise for {SMALL:,})",
         rise(f, "large") - rise(f, "small") < 16,
         f"+{rise(f, 'small'):.0f} MB for {SMALL:,}, +{rise(f, 'large'):.0f} MB for {f['rows']:,}"),
    ]


def rise(f, which):
    """How far the resident set rose above where it was before an import."""
    return f["small_mb"] - f["before_mb"] if which == "small" else f["large_mb"] - f["between_mb"]


def text(f):
    """The paragraph for RESULTS.md."""
    return (f"Imports (issue 13), on a server of their own that answers an import when it is done: "
            f"{f['rows']:,} measurement rows ({f['bytes'] / 1e6:.1f} MB of CSV: month counts and amounts of actions, "
            f"2023 to 2025, every municipality) posted to `/api/v1/imports/measurements` took {f['import_s']:.2f} s "
            f"end to end ({f['rows'] / f['import_s']:,.0f} rows/s, {f['created']:,} created, each with its "
            f"audit entry and revision); psql's `\\copy` of the same rows into `measurements` (its "
            f"triggers run, no audit entries; rolled back) took {f['copy_s']:.2f} s "
            f"({f['rows'] / f['copy_s']:,.0f} rows/s). The same file again: {f['again_s']:.2f} s "
            f"({f['rows'] / f['again_s']:,.0f} rows/s, {f['unchanged']:,} unchanged, nothing written). "
            f"Server RSS {f['before_mb']:.0f} MB before, at most {f['small_mb']:.0f} MB while "
            f"{f['small_created']:,} rows were imported (+{rise(f, 'small'):.0f} MB), {f['between_mb']:.0f} MB "
            f"after them, at most {f['large_mb']:.0f} MB while {f['rows']:,} were (+{rise(f, 'large'):.0f} MB).")
