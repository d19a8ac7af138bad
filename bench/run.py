#!/usr/bin/env python3
"""The benchmark: a realistic data set, the server in release mode, load with
wrk, and the limit of the same PostgreSQL cluster measured with pgbench -S.

Run it with `make bench`; it expects the release binary and the private
cluster (scripts/db.sh) to be there. It prints a table and writes
bench/RESULTS.md.
"""

import io
import json
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import imports
import lists
import pages
import search

ROOT = Path(__file__).resolve().parent.parent
DB = [str(ROOT / "scripts" / "db.sh")]
BIN = os.environ.get("BIN", str(ROOT / "target" / "release" / "ssw-api"))
PORT = int(os.environ.get("SSW_BENCH_PORT", "18080"))
DURATION = int(os.environ.get("SSW_BENCH_SECONDS", "15"))
CONNECTIONS = [int(c) for c in os.environ.get("SSW_BENCH_CONNECTIONS", "32,64,256").split(",")]
# "all", "reports" for the report scenarios alone (e.g. while the reports are built),
# "imports" for the import scenarios alone, "search" for the practice search alone, or
# "page" for the filtered page (with its own statements' limit) and the 90/10 mix, or "lists" for
# the other lists (bench/lists.py).
SCENARIOS = os.environ.get("SSW_BENCH_SCENARIOS", "all")
REPORT_CONNECTIONS = 32
PASSWORD = "bench password " + secrets.token_hex(8)
WORK = ROOT / "target" / "bench"
BASE = f"http://127.0.0.1:{PORT}"


def sh(args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw).stdout


def db_url(name):
    return sh(DB + ["url", name]).strip()


def psql(database, *args, **kw):
    return sh(DB + ["psql", database, "-v", "ON_ERROR_STOP=1", "-qAt", *args], **kw)


# What bench/results.sql adds, counted the same way on every run.
RESULT_NAMES = ("municipalities|GBO projects|indicators|measurements|corrected|removed|revisions|"
                "challenge/action/initiative versions")
RESULT_COUNTS = """
    SELECT (SELECT count(*) FROM municipalities), (SELECT count(*) FROM gbo_projects),
           (SELECT count(*) FROM indicators), (SELECT count(*) FROM measurements),
           (SELECT count(*) FROM measurement_revisions WHERE version > 1 AND NOT deleted),
           (SELECT count(*) FROM measurements WHERE deleted_at IS NOT NULL),
           (SELECT count(*) FROM measurement_revisions),
           (SELECT count(*) FROM challenge_versions) || '/' || (SELECT count(*) FROM action_versions)
               || '/' || (SELECT count(*) FROM initiative_versions)"""


def prepare_database():
    print("data set: creating database ssw_bench", flush=True)
    subprocess.run(DB + ["dropdb", "ssw_bench"], capture_output=True)
    sh(DB + ["createdb", "ssw_bench"])
    url = db_url("ssw_bench")
    sh([BIN, "migrate", "--database-url", url])
    env = dict(os.environ, DATABASE_URL=url, SSW_NEW_USER_PASSWORD=PASSWORD)
    sh([BIN, "create-user", "--email", "bench-template@example.org", "--role", "admin"], env=env)
    started = time.time()
    psql("ssw_bench", "-f", str(ROOT / "bench" / "seed.sql"))
    seeded = time.time()
    psql("ssw_bench", "-f", str(ROOT / "bench" / "results.sql"))
    # As a database in service would be: its tables vacuumed (visibility maps
    # set, so that index-only scans skip the heap), not vacuumed while measured.
    psql("ssw_bench", "-c", "VACUUM (ANALYZE)")
    loaded = time.time()
    counts = psql(
        "ssw_bench",
        "-c",
        "SELECT (SELECT count(*) FROM actions), (SELECT count(*) FROM initiatives),"
        " (SELECT count(*) FROM organisations), (SELECT count(*) FROM progress_updates),"
        " (SELECT count(*) FROM users)",
    ).strip()
    results = psql("ssw_bench", "-c", RESULT_COUNTS).strip()
    print(f"data set: actions|initiatives|organisations|progress updates|users = {counts}"
          f" ({seeded - started:.0f} s)", flush=True)
    print(f"data set: {RESULT_NAMES} = {results} ({loaded - seeded:.0f} s)", flush=True)
    return url, counts, results, loaded - started


def prepare_limit():
    print("limit: pgbench -i -s 10", flush=True)
    subprocess.run(DB + ["dropdb", "ssw_pgbench"], capture_output=True)
    sh(DB + ["createdb", "ssw_pgbench"])
    sh(["pgbench", "-i", "-q", "-s", "10", db_url("ssw_pgbench")])


class Server:
    def __init__(self, url, extra=None):
        env = dict(
            os.environ,
            DATABASE_URL=url,
            SSW_BIND=f"127.0.0.1:{PORT}",
            SSW_JWT_SECRET=secrets.token_hex(32),
            SSW_ACCESS_TOKEN_TTL_SECONDS="7200",
            SSW_LOGIN_MAX_FAILURES_PER_CLIENT="1000000",
            RUST_LOG="warn",
        )
        env.setdefault("SSW_DB_POOL_SIZE", "32")
        env.update(extra or {})
        self.log = open(WORK / "server.log", "w")
        self.proc = subprocess.Popen([BIN, "serve"], env=env, stdout=self.log, stderr=self.log)
        self.peak_rss_kb = 0
        self._stop = threading.Event()
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/health/ready", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not become ready; see target/bench/server.log")
        self.wait_for_pool()
        threading.Thread(target=self._sample, daemon=True).start()

    def wait_for_pool(self, seconds=60):
        """Waits (at most `seconds`) until the server's fill at start has made its whole pool and
        let go of it, as a server that has run a while has it: no scenario starts beside it."""
        def gauges():
            text = urllib.request.urlopen(f"{BASE}/metrics", timeout=5).read().decode()
            return dict(re.findall(r"^ssw_db_pool_(\w+) (\d+)$", text, re.M))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            g = gauges()
            if g.get("connections") == g.get("max_connections") == g.get("available"):
                return
            time.sleep(0.2)
        print(f"the server's pool was not full after {seconds} s: {gauges()}", flush=True)

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def _sample(self):
        while not self._stop.is_set() and self.proc.poll() is None:
            self.window_peak = max(getattr(self, "window_peak", 0), self.rss_kb())
            self.peak_rss_kb = max(self.peak_rss_kb, self.window_peak)
            time.sleep(0.05)

    def reset_window(self):
        self.window_peak = 0

    def stop(self):
        self._stop.set()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def login(email):
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    req = urllib.request.Request(f"{BASE}/api/v1/auth/login", body, {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["accessToken"]


def wrk(script, connections, args=(), env=None, seconds=DURATION, timeout=10):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s",
           "-s", f"bench/wrk/{script}.lua", BASE, "--", *args]
    out = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, env=dict(os.environ, **(env or {})))
    match = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if not match:
        raise SystemExit(f"wrk {script} failed:\n{out.stdout}\n{out.stderr}")
    r = json.loads(match.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    socket = r["connect"] + r["read"] + r["write"] + r["timeout"]
    r["errors"] = socket + r["status"] - r.get("conflicts", 0)
    kinds = {k: r[k] for k in ("connect", "read", "write", "timeout")}
    kinds["status"] = r["status"] - r.get("conflicts", 0)
    r["error_kinds"] = ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
    return r


def pgbench(clients, seconds=DURATION):
    out = sh(["pgbench", "-n", "-S", "-M", "prepared", "-c", str(clients), "-j", "2",
              "-T", str(seconds), db_url("ssw_pgbench")])
    tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out).group(1))
    latency = float(re.search(r"latency average = ([0-9.]+) ms", out).group(1))
    return {"rps": tps, "latency_ms": latency}


def script_pgbench(path, clients, seconds=DURATION):
    """A pgbench script of a page's own statements on the data set: the database's limit for that work.
    Its sessions run without JIT, as the service's do."""
    out = sh(["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds),
              "-f", str(path), db_url("ssw_bench")], env=dict(os.environ, PGOPTIONS="-c jit=off"))
    return float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out).group(1))


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except Exception:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        mem = int(next(l for l in f if l.startswith("MemTotal")).split()[1]) // 1024 // 1024
    pg = sh(["pgbench", "--version"]).strip()
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB RAM, {platform.system()} {platform.release()}, {pg}"


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    url, counts, results, load_seconds = prepare_database()
    if sys.argv[1:] == ["data"]:  # only the data set, e.g. while changing it
        return 0
    prepare_limit()
    plan = psql("ssw_bench", "-c", "SELECT id FROM plans WHERE code = 'ssw-2020-2024'").strip()
    ids_file = WORK / "initiative-ids.txt"
    ids_file.write_text(psql("ssw_bench", "-c", "SELECT id FROM initiatives ORDER BY external_id"))
    connections = CONNECTIONS if SCENARIOS in ("all", "page") else []
    limits = {c: pgbench(c) for c in sorted(set(connections) | {REPORT_CONNECTIONS})}
    server = Server(url)
    rows, notes, listed = [], [], None
    try:
        reader = login("reader-1@bench.example.org")
        steering = login("steering-1@bench.example.org")
        base_env = {"SSW_BENCH_TOKEN": reader, "SSW_BENCH_PLAN": plan, "SSW_BENCH_PASSWORD": PASSWORD}
        wrk("get_by_id", 32, [str(ids_file)], base_env, seconds=5)  # warm-up
        if SCENARIOS == "page":  # the pool grown as the full run's earlier scenarios grow it
            wrk("page", max(connections), [], base_env, seconds=5)
        run = 0
        for c in connections:
            scenarios = [
                ("HTTP only: GET /health/live", "live", [], base_env),
                ("GET initiative by id", "get_by_id", [str(ids_file)], base_env),
                ("filtered page of 50", "page", [], base_env),
                ("plan progress roll-up", "rollup", [], base_env),
                ("90/10 read/write, If-Match", "mix", [str(ids_file), str(run)], dict(base_env, SSW_BENCH_TOKEN=steering)),
            ]
            run += 1
            if SCENARIOS == "page":  # the page, and the writes that keep its keys
                scenarios = [s for s in scenarios if s[1] in ("page", "mix")]
            for name, script, args, env in scenarios:
                server.reset_window()
                r = wrk(script, c, args, env)
                r.update(name=name, connections=c, rss_mb=server.window_peak / 1024, limit=limits[c]["rps"])
                rows.append(r)
                print(format_row(r), flush=True)
            if SCENARIOS == "page":
                continue
            # The read load again, with logins (argon2id) beside it.
            server.reset_window()
            box = {}
            flood = threading.Thread(target=lambda: box.update(r=wrk("login", 8, [], base_env)))
            flood.start()
            time.sleep(0.5)
            r = wrk("get_by_id", c, [str(ids_file), "1"], base_env, seconds=DURATION - 1)
            flood.join()
            r.update(name="GET by id during a login flood", connections=c, rss_mb=server.window_peak / 1024,
                     limit=limits[c]["rps"], logins=box["r"])
            rows.append(r)
            print(format_row(r), f"(logins: {box['r']['rps']:.0f}/s, errors {box['r']['errors']})", flush=True)
        notes = []
        if SCENARIOS in ("all", "lists"):
            listed = lists.scenarios(server, wrk, script_pgbench, psql, WORK, base_env)
        if SCENARIOS not in ("imports", "search", "page", "lists"):
            more, notes = report_scenarios(server, steering, plan, limits[REPORT_CONNECTIONS]["rps"])
            rows += more
    finally:
        server.stop()
    if connections:  # the page again, every one read from the database
        for r in pages.afresh(Server(url, {"SSW_PAGE_CACHE_MB": "0"}), login, wrk, script_pgbench,
                              WORK, connections, limits):
            rows.append(r)
            print(format_row(r), flush=True)
    if SCENARIOS in ("page", "lists"):
        return write_results(rows, limits, counts, server.peak_rss_kb / 1024,
                             (results, load_seconds, None, None, listed), notes)
    imported = imports.scenarios(Server, login, psql, db_url, WORK, BASE) if SCENARIOS in ("all", "imports") else None
    searched = search.scenarios(Server, login, psql, db_url, WORK, wrk) if SCENARIOS in ("all", "search") else None
    if SCENARIOS not in ("imports", "search"):
        rows += afresh_scenarios(url, plan, limits[REPORT_CONNECTIONS]["rps"])
    write_results(rows, limits, counts, server.peak_rss_kb / 1024,
                  (results, load_seconds, imported, searched, listed), notes)

# The reports of issue 12, each at REPORT_CONNECTIONS connections as a
# steering member: (name, path, p50 target ms, p99 target ms or None).
REPORTS = [
    ("report: plan progress", "/api/v1/reports/planProgress?plan={plan}", 50, 200),
    ("report: indicator results of one action per year and region",
     "/api/v1/reports/indicatorResults?action={action}&granularity=year&level=region", 50, 200),
    ("report: indicator results of the whole plan per year and region",
     "/api/v1/reports/indicatorResults?plan={plan}&granularity=year&level=region", 50, 200),
    ("report: regional overview", "/api/v1/reports/regionalOverview?plan={plan}", 50, 200),
    ("report: staleness, 90 days", "/api/v1/reports/staleness?plan={plan}&staleAfterDays=90", 50, 200),
    ("report: as-of snapshot 2022-05-24", "/api/v1/reports/snapshot?plan={plan}&date=2022-05-24", 300, None),
]
XLSX_PATH = ("/api/v1/reports/indicatorResults?granularity=quarter&level=municipality"
             "&from=2020&to=2020&format=xlsx")
XLSX_NAME = "report: XLSX of indicator results per quarter and municipality, 2020"
# The plan progress groups two ways, the statement alone with pgbench: grouped
# afresh from the initiatives, and read from the sums the writes keep.
PROGRESS_SQL = [("plain GROUP BY over the initiatives", "progress_grouped.sql"),
                ("kept sums, stale initiatives counted", "progress_kept.sql"),
                ("kept sums alone", "progress_kept_only.sql")]
WRITE_NAME = "measurement write beside the plan progress report at a steady load"
WRITE_SATURATED_NAME = "measurement write beside the plan progress report at full load"
# The steady load: each report connection pauses this long between requests.
READ_PAUSE_MS = 5
# How often a measurement is written while the largest report is read.
WRITE_EVERY_MS = 200


def probe(path, token, timeout=120):
    """One GET: its status and body; no status when it took longer than `timeout` seconds."""
    req = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (TimeoutError, urllib.error.URLError) as e:
        return None, f"no answer within {timeout} s ({e})".encode()


def xlsx_rows(body):
    """The rows of the workbook's first worksheet, its header included."""
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        sheets = sorted(n for n in book.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n))
        rows, tail = 0, b""
        with book.open(sheets[0]) as sheet:
            while chunk := sheet.read(1 << 20):
                # A row tag across two chunks counts once: the tail's own were counted before.
                data = tail + chunk
                rows += len(re.findall(rb"<row[ >]", data)) - len(re.findall(rb"<row[ >]", tail))
                tail = data[-5:]
        return rows


def first_action(plan):
    return psql("ssw_bench", "-c", f"SELECT id FROM actions WHERE plan_id = '{plan}' ORDER BY code LIMIT 1").strip()


def afresh_scenarios(url, plan, limit):
    """The reports again on a server that keeps no rendering, one request at a
    time: what computing each from the records takes."""
    server = Server(url, {"SSW_REPORT_CACHE_MB": "0"})
    rows = []
    try:
        token = login("steering-1@bench.example.org")
        env = {"SSW_BENCH_TOKEN": token}
        # The XLSX first, on a server that has served nothing else: what writing it takes.
        time.sleep(0.5)
        before_mb = server.rss_kb() / 1024
        server.reset_window()
        status, body = probe(XLSX_PATH, token)
        time.sleep(0.2)
        print(f"XLSX export alone: status {status}, {len(body):,} bytes, server RSS {before_mb:.0f} MB "
              f"before, at most {server.window_peak / 1024:.0f} MB while computed", flush=True)
        alone = {"xlsx_alone_mb": server.window_peak / 1024, "xlsx_alone_before_mb": before_mb}
        for name, path, _, _ in REPORTS:
            path = path.format(plan=plan, action=first_action(plan))
            server.reset_window()
            r = wrk("report", 1, [], dict(env, SSW_BENCH_PATH=path), timeout=120)
            r.update(name=f"{name}, computed afresh", connections=1,
                     rss_mb=server.window_peak / 1024, limit=limit)
            rows.append(r)
            print(format_row(r), flush=True)
    finally:
        server.stop()
    for r in rows[:1]:
        r.update(alone)
    return rows


def months_begun():
    """The months from January 2025 up to this one: periods that have begun
    and that the data set leaves empty."""
    today = date.today()
    return max(1, (today.year - 2025) * 12 + today.month)


def report_scenarios(server, token, plan, limit):
    """The report scenarios; returns their rows and what was left out, and why."""
    rows, notes = [], []
    env = {"SSW_BENCH_TOKEN": token}
    c = REPORT_CONNECTIONS

    def run(name, script, args, extra, connections=c, **kw):
        server.reset_window()
        r = wrk(script, connections, args, dict(env, **extra), **kw)
        r.update(name=name, connections=connections, rss_mb=server.window_peak / 1024, limit=limit)
        rows.append(r)
        print(format_row(r), (f"refused: {r['unexpected']}" if r.get("unexpected") else ""), flush=True)
        return r

    action = first_action(plan)
    available = []
    for name, path, p50, p99 in REPORTS:
        path = path.format(plan=plan, action=action)
        status, body = probe(path, token)
        if status == 404:
            notes.append(f"Not run: {name}: skipped, `GET {path.split('?')[0]}` answers 404 (not built yet)")
            print(f"skipped: {name}: GET {path} answers 404", flush=True)
            continue
        if status != 200:
            print(f"{name}: GET {path} answers {status}: {body[:200]!r}", flush=True)
        r = run(name, "report", [], {"SSW_BENCH_PATH": path})
        r.update(target_p50=p50, target_p99=p99)
        available.append((name, path))
    # The largest answer once more, taken as it is by a client that accepts no compression.
    for name, path in [(n, p) for n, p in available if "whole plan" in n]:
        run(f"{name}, not compressed", "report", [], {"SSW_BENCH_PATH": path, "SSW_BENCH_IDENTITY": "1"})

    # A measurement write at a low rate while a report is read: at a steady load that
    # leaves the machine some room (each report connection pausing between requests), and at
    # as many requests as the machine takes.
    ids_file, places_file = WORK / "month-indicator-ids.txt", WORK / "municipalities.txt"
    ids_file.write_text(psql("ssw_bench", "-c", """
        SELECT id FROM indicators WHERE action_id IS NOT NULL AND granularity = 'month'
           AND measure = 'count' ORDER BY external_id"""))
    places_file.write_text(psql("ssw_bench", "-c", "SELECT nis_code FROM municipalities ORDER BY nis_code"))
    beside = next(((n, p) for n, p in available if "plan progress" in n), available[0] if available else None)
    if not beside:
        notes.append(f"Not run: {WRITE_NAME}: no report answers yet, so the writes were measured alone")
    for offset, pause in ((0, READ_PAUSE_MS), (1_000_000, 0)):
        write_env = {"SSW_BENCH_MONTHS": str(months_begun()), "SSW_BENCH_WRITE_OFFSET": str(offset)}
        box = {}
        load = None
        if beside:
            load_env = dict(env, SSW_BENCH_PATH=beside[1], SSW_BENCH_PAUSE_MS=str(pause))
            load = threading.Thread(target=lambda: box.update(r=wrk("report", c, [], load_env)))
            load.start()
            time.sleep(0.5)
        server.reset_window()
        w = wrk("measurement_write", 1, [str(ids_file), str(places_file)], dict(env, **write_env),
                seconds=DURATION - 1)
        if load:
            load.join()
        name = (WRITE_NAME if pause else WRITE_SATURATED_NAME) if beside else "measurement write (no report beside it)"
        w.update(name=name, connections=1, rss_mb=server.window_peak / 1024, limit=limit,
                 beside=box.get("r"), beside_name=beside and beside[0], read_pause_ms=pause)
        rows.append(w)
        print(format_row(w), f"(p95 {w['p95_us'] / 1000:.1f} ms, {w['created']} created"
              + (f"; {beside[0]} beside it: {box['r']['rps']:.0f} requests/s, p50 {box['r']['p50_us'] / 1000:.1f} ms"
                 if beside else "") + (f"; refused: {w['unexpected']}" if w["unexpected"] else "") + ")", flush=True)
        if not beside:
            break

    # The largest report read while measurements keep being written: each write is in the
    # next report, which computes again only the indicator written.
    whole = next(((n, p) for n, p in available if "whole plan" in n), None)
    if whole:
        write_env = {"SSW_BENCH_MONTHS": str(months_begun()), "SSW_BENCH_WRITE_OFFSET": "2000000",
                     "SSW_BENCH_WRITE_PAUSE_MS": str(WRITE_EVERY_MS)}
        box = {}
        writer = threading.Thread(target=lambda: box.update(w=wrk(
            "measurement_write", 1, [str(ids_file), str(places_file)], dict(env, **write_env))))
        writer.start()
        time.sleep(0.2)
        r = run(f"{whole[0]}, a measurement written every {WRITE_EVERY_MS} ms", "report", [],
                {"SSW_BENCH_PATH": whole[1]})
        writer.join()
        r.update(beside_writes=box["w"]["created"])

    # A large XLSX: how many rows it holds, and the server's memory while it is written.
    # Its first request computes and writes the workbook: the memory that takes.
    time.sleep(0.2)
    server.reset_window()
    status, body = probe(XLSX_PATH, token)
    time.sleep(0.2)
    computed_mb = server.window_peak / 1024
    if status == 404:
        notes.append(f"Not run: XLSX export: skipped, `GET {XLSX_PATH.split('?')[0]}` answers 404 (not built yet)")
        print(f"skipped: XLSX export: GET {XLSX_PATH} answers 404", flush=True)
    else:
        try:
            count = xlsx_rows(body) - 1 if status == 200 else None
        except zipfile.BadZipFile:
            count = None
        print(f"XLSX export: status {status}, {len(body):,} bytes, "
              f"{'not a workbook' if count is None else f'{count:,} rows'}", flush=True)
        r = run(XLSX_NAME, "report", [],
                {"SSW_BENCH_PATH": XLSX_PATH}, connections=1, timeout=120)
        r.update(xlsx_rows=count, xlsx_bytes=len(body), xlsx_computed_mb=computed_mb)

    for name, script in PROGRESS_SQL:
        out = sh(["pgbench", "-n", "-M", "prepared", "-c", str(c), "-j", "2", "-T", str(DURATION),
                  "-D", f"plan={plan}", "-f", str(ROOT / "bench" / "sql" / script), db_url("ssw_bench")])
        tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
        latency = float(re.search(r"latency average = ([0-9.]+) ms", out).group(1))
        notes.append(f"Plan progress groups by {name} (`bench/sql/{script}`), the statement alone with "
                     f"pgbench at {c} clients: {tps:,.0f} per second, {latency:.1f} ms on average")
        print(f"SQL: plan progress groups by {name}: {tps:,.0f} tps, {latency:.1f} ms", flush=True)
    return rows, notes


def format_row(r):
    return (f"| {r['name']} | {r['connections']} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.1f} | "
            f"{r['p99_us'] / 1000:.1f} | {r['errors']}{' (' + r['error_kinds'] + ')' if r['errors'] else ''} | "
            f"{r['rss_mb']:.0f} | {r['limit']:,.0f} | "
            f"{r['rps'] / r['limit']:.2f} |")


def write_results(rows, limits, counts, peak_mb, data, skipped):
    by = {(r["name"], r["connections"]): r for r in rows}
    checks = []

    def check(label, ok, figure):
        checks.append(f"| {label} | {figure} | {'met' if ok else 'missed'} |")

    for c in CONNECTIONS:
        g = by.get(("GET initiative by id", c))
        p = by.get(("filtered page of 50", c))
        a = by.get((pages.NAME, c))
        f = by.get(("GET by id during a login flood", c))
        if g:
            check(f"GET by id ≥ 0.8 × pgbench -S ({c} connections)", g["rps"] >= 0.8 * g["limit"], f"{g['rps'] / g['limit']:.2f}×")
        if a:
            check(f"filtered page read afresh ≥ 0.5 × pgbench of the page's own statements ({c} connections)",
                  a["rps"] >= 0.5 * a["page_limit"], f"{a['rps'] / a['page_limit']:.2f}× of {a['page_limit']:,.0f}")
        if p and c == 32:
            check("filtered page ≥ 2,500 pages/s (32 connections)", p["rps"] >= 2500, f"{p['rps']:,.0f}")
        if g and f:
            check(f"reads during login flood ≥ 50 % ({c} connections)", f["rps"] >= 0.5 * g["rps"], f"{f['rps'] / g['rps'] * 100:.0f} %")
    g64 = by.get(("GET initiative by id", 64))
    if g64:
        check("p99 < 20 ms at 64 connections (GET by id)", g64["p99_us"] < 20000, f"{g64['p99_us'] / 1000:.1f} ms")
    for r in rows:
        if "target_p50" in r:
            check(f"{r['name']}: p50 < {r['target_p50']} ms ({r['connections']} connections)",
                  r["p50_us"] < r["target_p50"] * 1000, f"{r['p50_us'] / 1000:.1f} ms")
        if r.get("target_p99"):
            check(f"{r['name']}: p99 < {r['target_p99']} ms ({r['connections']} connections)",
                  r["p99_us"] < r["target_p99"] * 1000, f"{r['p99_us'] / 1000:.1f} ms")
        if "created" in r and r["name"] != WRITE_SATURATED_NAME:
            check(f"measurement write p95 < 10 ms ({'beside ' + r['beside_name'] + ' at a steady load' if r['beside_name'] else 'alone'})",
                  r["p95_us"] < 10000, f"{r['p95_us'] / 1000:.1f} ms")
        if "xlsx_rows" in r:
            check("XLSX export ≥ 100,000 rows", (r["xlsx_rows"] or 0) >= 100000,
                  f"{r['xlsx_rows']:,} rows" if r["xlsx_rows"] is not None else "not a workbook")
        if "xlsx_alone_mb" in r:
            check("server RSS < 100 MB while the XLSX is computed and written (a server of its own)",
                  r["xlsx_alone_mb"] < 100, f"{r['xlsx_alone_mb']:.0f} MB")
    # The report targets not measured yet (their endpoints answered 404), named all the same.
    ran = {r["name"] for r in rows}
    targets = [(f"{name}: p50 < {p50} ms ({REPORT_CONNECTIONS} connections)", name) for name, _, p50, _ in REPORTS]
    targets += [(f"{name}: p99 < {p99} ms ({REPORT_CONNECTIONS} connections)", name) for name, _, _, p99 in REPORTS if p99]
    targets += [("measurement write p95 < 10 ms (beside the plan progress report at a steady load)", WRITE_NAME)]
    targets += [("XLSX export ≥ 100,000 rows, server RSS < 100 MB while it is written",
                 XLSX_NAME)]
    for label, name in targets:
        if name not in ran:
            checks.append(f"| {label} | — | not run: the endpoint answers 404 |")
    results, load_seconds, imported, searched, listed = data
    if listed:
        for label, ok, figure in lists.checks(listed):
            check(label, ok, figure)
    else:
        checks.append("| the other lists | — | not run |")
    if imported:
        for label, ok, figure in imports.checks(imported):
            check(label, ok, figure)
    else:
        checks.append("| imports of 100,000 measurement rows | — | not run |")
    if searched:
        for label, ok, figure in search.checks(searched):
            check(label, ok, figure)
    else:
        checks.append("| search in 100,000 practices | — | not run |")
    errors = sum(r["errors"] for r in rows)
    check("zero errors, 256 connections included", errors == 0, str(errors))
    check("server RSS < 100 MB under load", peak_mb < 100, f"{peak_mb:.0f} MB")

    header = ("| scenario | connections | requests/s | p50 ms | p99 ms | errors | server RSS MB | "
              "pgbench -S tps | ratio to limit |\n|---|---|---|---|---|---|---|---|---|")
    table = "\n".join([header] + [format_row(r) for r in rows])
    conflicts = [f"{r['connections']} connections: {r.get('writes', 0)} writes, {r.get('conflicts', 0)} answered 412"
                 + (f", other refusals: {r['unexpected']}" if r.get("unexpected") else "")
                 for r in rows if r["name"].startswith("90/10")]
    logins = [f"{r['connections']} connections: {r['logins']['rps']:.0f} logins/s (8 connections), "
              f"{r['logins']['errors']} errors" for r in rows if "logins" in r]
    writes = [f"{r['created']} measurements recorded by one connection with a pause of "
              f"{os.environ.get('SSW_BENCH_WRITE_PAUSE_MS', '20')} ms between writes: p50 {r['p50_us'] / 1000:.1f} ms, "
              f"p95 {r['p95_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms"
              + (f"; {r['beside_name']} beside them at {REPORT_CONNECTIONS} connections"
                 + (f" each pausing {r['read_pause_ms']} ms between requests" if r['read_pause_ms'] else
                    " as fast as they are answered") + ": "
                 f"{r['beside']['rps']:,.0f} requests/s, p50 {r['beside']['p50_us'] / 1000:.1f} ms, "
                 f"p99 {r['beside']['p99_us'] / 1000:.1f} ms" if r.get("beside") else "")
              + (f"; refused: {r['unexpected']}" if r["unexpected"] else "")
              for r in rows if "created" in r]
    rewritten = [f"{r['beside_writes']} measurements were written during it" for r in rows if "beside_writes" in r]
    xlsx = [f"{r['xlsx_rows']:,} rows, {r['xlsx_bytes'] / 1e6:.1f} MB; on the loaded server (its report "
            f"renderings and indicator results kept) RSS at most {r['xlsx_computed_mb']:.0f} MB while its "
            f"first request computed it"
            for r in rows
            if r.get("xlsx_rows") is not None]
    xlsx += [f"on a server of its own that had served nothing else (`SSW_REPORT_CACHE_MB=0`), RSS "
             f"{r['xlsx_alone_before_mb']:.0f} MB before and at most {r['xlsx_alone_mb']:.0f} MB while it "
             f"was computed and written" for r in rows if "xlsx_alone_mb" in r]
    own = [f"{r['connections']} clients: {r['page_limit']:,.0f} pages/s, the page read afresh at "
           f"{r['rps'] / r['page_limit']:.2f}× of it" for r in rows if "page_limit" in r]
    page_text = (f"""The filtered page as served: a page is kept as it went out, with the snapshot it was read at,
and served again while no write it could show has been committed since (one indexed look at the
audit log per request; `SSW_PAGE_CACHE_MB`); `bench/wrk/page.lua` asks for 24 pages (six regions,
four filters), each read from the database once and again after any write. The rows ending in "read
afresh" come from a server with `SSW_PAGE_CACHE_MB=0`, where every page is read from the database.
The page's own limit: its statement (`bench/sql/page_status.sql` and `page_progress.sql`, the text
the server prepares) run by `pgbench -M prepared` with the same regions and filters, each
transaction naming its region and filter in one small SELECT first, measured just before the page
read afresh at the same number of clients: {'; '.join(own)}.
""" if own else "")
    mix_text = (f"""Writes in the read/write mix: {'; '.join(conflicts)}. A 412 is a correct answer to a stale
`If-Match` and is not counted as an error.

Logins beside the read load: {'; '.join(logins)}.
""" if conflicts else "")
    text = f"""# Benchmark results

Latest run: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, `make bench`.

Machine: {machine()}. The server (release build, {os.environ.get('SSW_WORKERS', 'one worker per core')}),
PostgreSQL and the load generator share the machine. Each scenario runs {DURATION} s with `wrk -t2`
and an authenticated caller (a reader; a steering member for writes).

Data set: the 2020-2024 plan with its 8 challenges; actions | initiatives | organisations |
progress updates | users = {counts.replace('|', ' | ')}. Initiatives run in the six regional
platforms (every tenth in two). Results and history (`bench/results.sql`):
{RESULT_NAMES.replace('|', ' | ')} = {results.replace('|', ' | ')}; the whole data set loads in
{load_seconds:.0f} s.

The limit: `pgbench -S -M prepared` (one primary-key SELECT per transaction) on the same
cluster with the same number of clients. `GET /health/live` (no token, no database) shows what
the HTTP stack alone serves beside the load generator on this machine: no scenario that also
verifies a token and reads the database can exceed it.

{table}

{page_text}
{mix_text}

Reports (issue 12) at {REPORT_CONNECTIONS} connections as a steering member, served as the server
serves them: a rendering is kept with the snapshot it was read from and served again while no write
has been committed since (one indexed look at the audit log per request). The report requests
accept gzip (`Accept-Encoding: gzip`, as browsers and HTTP libraries send it), and a kept rendering
keeps its compressed bytes too; the row ending in "not compressed" asks without. The rows ending in
"computed afresh" come from a server with `SSW_REPORT_CACHE_MB=0`, one connection, where every
request computes its report from the records. The measurement write target is checked beside a
steady report load; at full load the two cores are taken by the load generator, the server and
PostgreSQL, and a write, five round trips in one transaction, waits for a core at each of them.
The row ending in "a measurement written every {WRITE_EVERY_MS} ms" reads the whole-plan indicator
results while one connection records a measurement every {WRITE_EVERY_MS} ms
({'; '.join(rewritten) or 'not run'}): the report after each write is computed again, taking the
kept results of every indicator the write did not touch. Measurement writes:
{'; '.join(writes) or 'not run'}. XLSX export (`{XLSX_PATH}`): {'; '.join(xlsx) or 'not run'}.
{chr(10).join(n + '.' for n in skipped)}

{imports.text(imported) if imported else 'Imports: not run.'}

{search.text(searched) if searched else 'Search: not run.'}

{lists.text(listed) if listed else 'The other lists: not run.'}

Peak server RSS over the whole run: {peak_mb:.0f} MB.

## Targets

| target | measured | |
|---|---|---|
{chr(10).join(checks)}
"""
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        text += "\n" + notes.read_text()
    # A partial run leaves the committed results alone.
    out = ROOT / "bench" / "RESULTS.md" if SCENARIOS == "all" else WORK / f"RESULTS-{SCENARIOS}.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
