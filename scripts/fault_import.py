#!/usr/bin/env python3
"""The server killed with SIGKILL in the middle of a measurement import.

Starts the service on a throwaway database of the private cluster (the example
plan seeded, a steering user), creates month counts of the plan so that a CSV
of ~150,000 new measurements has distinct keys, checks that a small sample of
the same shape imports, then posts the large file (answered 202, run in the
background), waits until the job is `running` and its transaction is writing
(pg_stat_activity, pg_locks) and kills the server with SIGKILL. Fails unless:
  - no measurement of the file, no audit entry and no change in the feed is
    there afterwards, and import_rows holds nothing of the job;
  - a server started again fails the job (`failed`, code `interrupted`) within
    40 s of the kill, and it never shows `succeeded` or `running` again;
  - the same file posted again is imported whole (every row created).

Usage: BIN=target/debug/ssw-api python3 scripts/fault_import.py
"""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import harness
from harness import DB, Failed, check, sh

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("BIN", str(ROOT / "target" / "debug" / "ssw-api"))
PORT = int(os.environ.get("FAULT_PORT", "18093"))
BASE = f"http://127.0.0.1:{PORT}"
NAME = "ssw_fault_import"
PASSWORD = "fault password " + secrets.token_hex(8)
INDICATORS = 19  # x 13 municipalities x 312 months (2000-2025): 77,064 rows
MONTHS = [f"{y}-{m:02d}" for y in range(2000, 2026) for m in range(1, 13)]
STALLED = 40  # the service fails a job 30 s after its runner's last beat; the rest is slack for a slow machine
WHOLE = 600  # a bound for the second import, not a speed target (a debug build takes 25-50 s)


def sql(query):
    return harness.sql(NAME, query)


def call(method, path, body=None, token=None, **kw):
    return harness.call(BASE, method, path, body, token, **kw)


def serve(env, log):
    return harness.serve(BIN, BASE, env, log)


def csv(codes, places):
    return "".join(["indicatorCode,period,placeType,placeCode,value\n"] + [
        f"{c},{m},municipality,{p},{(i * 7 + j) % 997}\n"
        for i, c in enumerate(codes) for m in MONTHS for j, p in enumerate(places)]).encode()


def feed_end(token, after=None):
    """The measurement changes after `after` (all of them without) and the cursor past them."""
    items, query = [], f"&after={after}" if after else ""
    while True:
        status, _, page = call("GET", f"/api/v1/changes?resource=measurement&limit=1000{query}", token=token)
        check(status == 200, f"GET /api/v1/changes: {status} {page}")
        items += page["items"]
        query = f"&after={page['next']}"
        if not page["more"] and not page["items"]:
            return items, page["next"]


def counts(codes):
    quoted = ",".join(f"'{c}'" for c in codes)
    return (int(sql("SELECT count(*) FROM measurements")),
            int(sql(f"SELECT count(*) FROM measurements m JOIN indicators i ON i.id = m.indicator_id "
                    f"WHERE i.code IN ({quoted})")),
            int(sql("SELECT count(*) FROM audit_log")), int(sql("SELECT count(*) FROM measurement_revisions")))


def poll(location, token, done, seconds, seen=None, since=None):
    """The job once `done(job)`, within `seconds` of `since`; every status it showed is added to `seen`."""
    started = since or time.monotonic()
    while True:
        status, _, job = call("GET", location, token=token)
        check(status == 200, f"GET {location}: {status} {job}")
        if seen is not None and (not seen or seen[-1] != job["status"]):
            seen.append(job["status"])
        if done(job):
            return job
        check(time.monotonic() - started < seconds, f"the job was still {job['status']} {seconds} s on: {job}")
        time.sleep(0.2)


def post_file(token, body):
    status, headers, job = call("POST", "/api/v1/imports/measurements?mode=commit", raw=body,
                                token=token, timeout=60, content_type="text/csv")
    check(status == 202 and "location" in headers, f"POST of {len(body):,} bytes: {status} {headers} {job}")
    return headers["location"]


def main():
    sh(DB + ["start"])  # starts the shared cluster when it is down; never stops it
    subprocess.run(DB + ["dropdb", NAME], capture_output=True)
    sh(DB + ["createdb", NAME])
    env = dict(os.environ, DATABASE_URL=sh(DB + ["url", NAME]))
    sh([BIN, "migrate"], env=env)
    sh([BIN, "seed"], env=env)
    sh([BIN, "create-user", "--email", "fault@example.org", "--role", "steering"],
       env=dict(env, SSW_NEW_USER_PASSWORD=PASSWORD))
    server_env = dict(env, SSW_BIND=f"127.0.0.1:{PORT}", SSW_JWT_SECRET=secrets.token_hex(32),
                      SSW_IMPORT_WAIT_BYTES="65536", RUST_LOG="warn")
    log = open(ROOT / "target" / "fault-import-server.log", "w")
    server = None
    try:
        server = serve(server_env, log)
        status, _, body = call("POST", "/api/v1/auth/login", {"email": "fault@example.org", "password": PASSWORD})
        check(status == 200, f"login: {status} {body}")
        token = body["accessToken"]
        plan = sql("SELECT id FROM plans WHERE code = 'voorbeeld-2020-2024'")
        places = sql("SELECT nis_code FROM municipalities ORDER BY nis_code").split()
        codes = [f"fault-import-{n:02d}" for n in range(INDICATORS)]
        for code in codes + ["fault-import-sample"]:
            status, _, body = call("POST", "/api/v1/indicators", {
                "code": code, "name": f"Fault import {code}", "subject": {"type": "plan", "id": plan},
                "measure": "count", "direction": "higherIsBetter", "granularity": "month"}, token)
            check(status == 201, f"POST /api/v1/indicators {code}: {status} {body}")

        # A sample of the same shape, answered when done: the large file is known-good.
        sample = csv(["fault-import-sample"], places)[:4000].rsplit(b"\n", 1)[0] + b"\n"
        status, _, body = call("POST", "/api/v1/imports/measurements", raw=sample, token=token, content_type="text/csv")
        n = sample.count(b"\n") - 1
        check(status == 200 and body["status"] == "succeeded" and body["counts"]["created"] == n,
              f"the sample of {n} rows: {status} {body}")

        big = csv(codes, places)
        rows, before = big.count(b"\n") - 1, counts(codes)
        audited = int(sql("SELECT count(*) FROM audit_log WHERE resource = 'measurement'"))
        for _ in range(50):  # the feed gives every change once no older transaction is open in the cluster
            items, cursor = feed_end(token)
            if len(items) == audited:
                break
            time.sleep(0.2)
        check(len(items) == audited, f"the feed gives {len(items)} of {audited} measurement changes: "
              "is a transaction left open elsewhere in the cluster?")
        size = ("SELECT pg_relation_size('measurements') || ' ' || pg_relation_size('audit_log') "
                "|| ' ' || pg_relation_size('measurement_revisions')")
        sizes = [int(b) for b in sql(size).split()]
        location, posted = post_file(token, big), time.monotonic()
        job_id = location.rstrip("/").rsplit("/", 1)[1]
        seen = []
        poll(location, token, lambda job: job["status"] != "queued", 10, seen)
        check(seen[-1] == "running", f"the job before the kill went {seen}")
        # Its transaction is open, has written (an xid) and holds measurements for writing.
        writing = ("SELECT a.pid, round(extract(epoch FROM now() - a.xact_start)::numeric, 1) FROM pg_stat_activity a "
                   "JOIN pg_locks l ON l.pid = a.pid AND l.relation = 'measurements'::regclass "
                   f"AND l.mode = 'RowExclusiveLock' WHERE a.datname = '{NAME}' AND a.backend_xid IS NOT NULL "
                   "AND a.state = 'active' AND a.xact_start < now() - interval '1.5 seconds'")
        # and the tables it writes have grown by two batches or so (uncommitted rows take room too).
        while not (busy := sql(writing)) or (grown := [
                (a - b) / 1e6 for a, b in zip(map(int, sql(size).split()), sizes)])[0] < 2:
            check(time.monotonic() - posted < 60, "no transaction of the import was seen writing within 60 s")
            time.sleep(0.2)
        server.kill()
        server.wait()
        killed = time.monotonic()
        print(f"fault_import: killed the server {killed - posted:.1f} s into the import of {rows:,} rows; its "
              f"transaction (backend pid|seconds: {busy.replace(chr(10), ', ')}) had grown measurements, "
              f"audit_log and revisions by {' / '.join(f'{g:.1f}' for g in grown)} MB", flush=True)
        gone = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{NAME}' AND pid <> pg_backend_pid()"
        while sql(gone) != "0":
            check(time.monotonic() - killed < 15, "the killed server's backends were still there after 15 s")
            time.sleep(0.2)

        def nothing_applied(when):
            after = counts(codes)
            check(after == before, f"{when}: measurements / of the file / audit entries / revisions were "
                  f"{before}, now {after}")
            kept = int(sql(f"SELECT count(*) FROM import_rows WHERE job_id = '{job_id}'"))
            check(kept == 0, f"{when}: import_rows holds {kept} rows of the job")
            return after

        after_kill = nothing_applied("after the kill")
        server = serve(server_env, log)
        seen = []
        job = poll(location, token, lambda job: job["status"] != "running", STALLED, seen, killed)
        failed_after = time.monotonic() - killed
        check(seen[-1] == "failed" and (job.get("failure") or {}).get("code") == "interrupted",
              f"after the restart the job went {' -> '.join(seen)}: {job}")
        for path in [location] * 3 + ["/api/v1/imports"]:  # it stays failed, in the list too
            time.sleep(1)
            status, _, body = call("GET", path, token=token)
            jobs = [j for j in body["items"] if j["id"] == job_id] if path == "/api/v1/imports" else [body]
            check(status == 200 and [j["status"] for j in jobs] == ["failed"], f"GET {path} later: {status} {jobs}")
        nothing_applied("after the job failed")
        check(not (changes := feed_end(token, cursor)[0]),
              f"the change feed gave {len(changes)} measurement changes after the kill: {changes[:3]}")

        # The same file again: all of it is new, so the first attempt left nothing behind.
        location, started = post_file(token, big), time.monotonic()
        job = poll(location, token, lambda job: job["status"] not in ("queued", "running"), WHOLE)
        took = time.monotonic() - started
        check(job["status"] == "succeeded" and job["counts"]["created"] == rows == job["counts"]["read"],
              f"the second import of {rows:,} rows: {job['status']} {job['counts']} {job.get('failure')}")
        after = counts(codes)
        expected = (before[0] + rows, rows, before[2] + rows, before[3] + rows)
        check(after == expected, f"after the second import: {after}, expected {expected}")
        total, of_file, audit, revisions = after_kill
        print(f"fault_import: after the kill {of_file} measurements of the file; measurements {total:,}, audit "
              f"entries {audit:,}, revisions {revisions:,} as before; no measurement change in the feed, no import_rows "
              f"of the job; after a restart the job went {' -> '.join(seen)} (interrupted) {failed_after:.1f} s after "
              f"the kill and stayed failed; the same file again: {rows:,} created in {took:.1f} s")
    except Failed as e:
        print(f"fault_import: FAILED\n  {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        if server:
            server.kill()
            server.wait()
        log.close()
        subprocess.run(DB + ["dropdb", NAME], capture_output=True)


if __name__ == "__main__":
    main()
