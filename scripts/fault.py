#!/usr/bin/env python3
"""PostgreSQL stopped during a write load, then started again.

Starts the service on a throwaway database of the private cluster, runs four
writers that create organisations, stops PostgreSQL (`pg_ctl stop -m fast`)
in the middle of the load, keeps it down for a few seconds and starts it
again. Fails unless:
  - every answer is a 201, or a 503 problem with Retry-After (never a 500);
  - no answer takes longer than the pool timeout allows (no hang);
  - writes are accepted again within 10 s of PostgreSQL being back, without
    restarting the service;
  - every acknowledged (201) write is in the database afterwards.

Usage: BIN=target/debug/ssw-api python3 scripts/fault.py   (run by `make fault`)
"""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = [str(ROOT / "scripts" / "db.sh")]
BIN = os.environ.get("BIN", str(ROOT / "target" / "debug" / "ssw-api"))
PORT = int(os.environ.get("FAULT_PORT", "18090"))
BASE = f"http://127.0.0.1:{PORT}"
POOL_TIMEOUT = 2
WRITERS = 4
PASSWORD = "fault password " + secrets.token_hex(8)


def sh(args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw).stdout.strip()


def call(method, path, body=None, token=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(text) if text else None


def main():
    sh(DB + ["start"])
    subprocess.run(DB + ["dropdb", "ssw_fault"], capture_output=True)
    sh(DB + ["createdb", "ssw_fault"])
    url = sh(DB + ["url", "ssw_fault"])
    env = dict(os.environ, DATABASE_URL=url)
    sh([BIN, "migrate"], env=env)
    sh([BIN, "create-user", "--email", "fault@example.org", "--role", "steering"],
       env=dict(env, SSW_NEW_USER_PASSWORD=PASSWORD))
    server_env = dict(env, SSW_BIND=f"127.0.0.1:{PORT}", SSW_JWT_SECRET=secrets.token_hex(32),
                      SSW_DB_TIMEOUT_SECONDS=str(POOL_TIMEOUT), RUST_LOG="warn")
    log = open(ROOT / "target" / "fault-server.log", "w")
    server = subprocess.Popen([BIN, "serve"], env=server_env, stdout=log, stderr=log)
    problems = []
    try:
        for _ in range(100):
            try:
                if call("GET", "/health/ready", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        status, _, body = call("POST", "/api/v1/auth/login",
                               {"email": "fault@example.org", "password": PASSWORD})
        assert status == 200, (status, body)
        token = body["accessToken"]

        stop = threading.Event()
        acknowledged, refused, lock = [], [0], threading.Lock()

        def writer(n):
            i = 0
            while not stop.is_set():
                i += 1
                started = time.monotonic()
                try:
                    status, headers, body = call(
                        "POST", "/api/v1/organisations",
                        {"name": f"Fault {n}-{i}", "kind": "caw", "regionId": "limburg"}, token)
                except OSError as e:
                    with lock:
                        problems.append(f"no answer: {e}")
                    continue
                took = time.monotonic() - started
                with lock:
                    if took > POOL_TIMEOUT + 3:
                        problems.append(f"an answer took {took:.1f} s")
                    if status == 201:
                        acknowledged.append(body["id"])
                    elif status == 503 and "retry-after" in headers and body and body.get("type"):
                        refused[0] += 1
                    else:
                        problems.append(f"unexpected {status}: {body}")
                if status == 503:
                    time.sleep(0.05)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        sh(DB + ["stop"])
        stopped_at = time.monotonic()
        time.sleep(4)
        sh(DB + ["start"])
        started_at = time.monotonic()
        recovered = None
        while time.monotonic() - started_at < 15:
            status, _, _ = call("POST", "/api/v1/organisations",
                                {"name": "Probe", "kind": "caw", "regionId": "limburg"}, token)
            if status == 201:
                recovered = time.monotonic() - started_at
                break
            time.sleep(0.1)
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join()

        if recovered is None:
            problems.append("writes were not accepted within 15 s of PostgreSQL starting again")
        elif recovered > 10:
            problems.append(f"writes were accepted only {recovered:.1f} s after PostgreSQL started")
        if refused[0] == 0:
            problems.append("no write was refused while PostgreSQL was down")
        ids = sorted(set(acknowledged))
        values = ",".join(f"'{i}'" for i in ids)
        found = int(sh(DB + ["psql", "-d", "ssw_fault", "-tAc",
                             f"SELECT count(*) FROM organisations WHERE id IN ({values})"]))
        if found != len(ids):
            problems.append(f"{len(ids) - found} of {len(ids)} acknowledged writes are missing")
        print(f"fault: PostgreSQL down for {started_at - stopped_at:.1f} s; {len(ids)} writes acknowledged, "
              f"all {found} in the database; {refused[0]} refused with 503 and Retry-After; "
              f"writes accepted again {recovered if recovered is None else round(recovered, 2)} s "
              f"after PostgreSQL started")
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(DB + ["dropdb", "ssw_fault"], capture_output=True)
    if problems:
        print("fault: FAILED", *sorted(set(problems))[:20], sep="\n  ", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
