#!/usr/bin/env python3
"""Reports, list files and the change feed read from a streaming replica.

Makes a replica of the project's cluster (`pg_basebackup -R`, hot standby on
its own port) and serves with `SSW_READ_DATABASE_URL` pointing at it. Fails
unless:
  - a report is read from the replica: with the replica's replay paused, a
    progress update written through the service shows in the roll-up (the
    primary) but not in the plan progress report, and shows in the report
    once replay resumes;
  - while the replica is down, the report, a list file and the change feed
    answer 503 with Retry-After, and everything else goes on: readiness,
    reads by id, the roll-up, writes;
  - once the replica is back, the report answers again without a restart.

Usage: BIN=target/debug/ssw-api python3 scripts/replica.py
"""

import os
import secrets
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import harness
from harness import DB, Failed, check, sh

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("BIN", str(ROOT / "target" / "debug" / "ssw-api"))
PORT = int(os.environ.get("REPLICA_SERVER_PORT", "18098"))
BASE = f"http://127.0.0.1:{PORT}"
# Below Linux's ephemeral ports (32768-60999), so that no client connection's own
# end can be holding it when the replica starts listening.
REPLICA_PORT = int(os.environ.get("REPLICA_PG_PORT", str(int(os.environ.get("SSW_PG_PORT", "55432")) - 30000)))
NAME = "ssw_replica"
PASSWORD = "replica password " + secrets.token_hex(8)
CATCH_UP = 10.0  # seconds the replica may take to replay a write once resumed


def as_owner(args):
    """Runs a PostgreSQL tool as the cluster's owner (`postgres` when we are root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return sh(prefix + args, cwd="/")


def sql(query, port=None):
    if port is None:
        return harness.sql(NAME, query)
    return sh([BINDIR + "/psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
               "-d", NAME, "-tAc", query])


def call(method, path, body=None, token=None):
    return harness.call(BASE, method, path, body, token=token, timeout=15)


def find(value, action):
    """The line of `action` anywhere in a report."""
    if isinstance(value, dict):
        if value.get("actionId") == action:
            return value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = find(item, action)
            if found:
                return found
    return None


def replica(start):
    """Starts or stops the replica; a hot standby needs max_connections at least the primary's (300)."""
    args = [BINDIR + "/pg_ctl", "-D", REPLICA, "-w", "-t", "60"]
    if start:
        as_owner(args + ["-l", REPLICA + "/replica.log", "-o",
                         f"-p {REPLICA_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                         "-c hot_standby=on -c max_connections=300", "start"])
    else:
        as_owner(args + ["-m", "fast", "stop"])


def main():
    global BINDIR, REPLICA
    sh(DB + ["start"])  # starts the shared cluster when it is down; never stops it
    BINDIR = sh(DB + ["bindir"])
    REPLICA = sh(DB + ["datadir"]) + f"/replica-{REPLICA_PORT}"
    primary_port = sh(DB + ["url"]).rsplit(":", 1)[1].split("/")[0]
    subprocess.run(DB + ["dropdb", NAME], capture_output=True)
    sh(DB + ["createdb", NAME])
    env = dict(os.environ, DATABASE_URL=sh(DB + ["url", NAME]))
    sh([BIN, "migrate"], env=env)
    sh([BIN, "seed"], env=env)
    sh([BIN, "create-user", "--email", "replica@example.org", "--role", "steering"],
       env=dict(env, SSW_NEW_USER_PASSWORD=PASSWORD))
    shutil.rmtree(REPLICA, ignore_errors=True)
    as_owner([BINDIR + "/pg_basebackup", "-h", "127.0.0.1", "-p", primary_port, "-U", "postgres",
              "-D", REPLICA, "-R", "-X", "stream", "-c", "fast"])
    replica(True)
    server_env = dict(env, SSW_BIND=f"127.0.0.1:{PORT}", SSW_JWT_SECRET=secrets.token_hex(32), RUST_LOG="warn",
                      SSW_DB_POOL_SIZE="4", SSW_READ_DATABASE_URL=f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{NAME}")
    log = open(ROOT / "target" / "replica-server.log", "w")
    server = None
    try:
        server = harness.serve(BIN, BASE, server_env, log)
        status, _, body = call("POST", "/api/v1/auth/login", {"email": "replica@example.org", "password": PASSWORD})
        check(status == 200, f"login: {status} {body}")
        token = body["accessToken"]
        plan = sql("SELECT id FROM plans WHERE code = 'voorbeeld-2020-2024'")
        action = sql(f"SELECT a.id FROM actions a WHERE a.plan_id = '{plan}' AND NOT EXISTS "
                     "(SELECT 1 FROM initiatives i WHERE i.action_id = a.id) "
                     "AND a.status <> 'completed' ORDER BY a.number DESC LIMIT 1")
        report = f"/api/v1/reports/planProgress?plan={plan}"

        def reported():
            status, _, body = call("GET", report, token=token)
            check(status == 200, f"the report: {status} {body}")
            line = find(body, action)
            check(line is not None, "the action in the report")
            return line["status"]

        before = reported()
        sql("SELECT pg_wal_replay_pause()", port=REPLICA_PORT)
        update = {"date": date.today().isoformat(), "status": "completed"}
        status, _, body = call("POST", f"/api/v1/actions/{action}/progressUpdates", update, token=token)
        check(status == 201, f"a progress update: {status} {body}")
        _, _, rollup = call("GET", f"/api/v1/actions/{action}", token=token)
        check(rollup["status"] == "completed", f"the action on the primary: {rollup['status']}")
        paused = reported()
        check(paused == before, f"with replay paused the report shows {paused}, not {before}: not the replica")
        sql("SELECT pg_wal_replay_resume()", port=REPLICA_PORT)
        started = time.monotonic()
        while reported() != "completed":
            check(time.monotonic() - started < CATCH_UP, f"the report did not catch up within {CATCH_UP} s")
            time.sleep(0.05)
        caught_up = time.monotonic() - started

        replica(False)
        down = {}
        for what, path in [("report", report), ("list file", "/api/v1/organisations?format=csv"),
                           ("change feed", "/api/v1/changes?resource=action")]:
            status, headers, _ = call("GET", path, token=token)
            down[what] = status
            check(status == 503 and "retry-after" in headers, f"the {what} with the replica down: {status} {headers}")
        up = {
            "readiness": call("GET", "/health/ready")[0],
            "read by id": call("GET", f"/api/v1/actions/{action}", token=token)[0],
            "roll-up": call("GET", f"/api/v1/plans/{plan}/progress", token=token)[0],
            "write": call("POST", "/api/v1/organisations",
                          {"name": "Voorbeeld: Zonder replica", "kind": "association", "regionId": "limburg"},
                          token=token)[0],
        }
        check(up == {"readiness": 200, "read by id": 200, "roll-up": 200, "write": 201},
              f"the rest with the replica down: {up}")
        replica(True)
        started = time.monotonic()
        while call("GET", report, token=token)[0] != 200:
            check(time.monotonic() - started < CATCH_UP, "the report did not come back with the replica")
            time.sleep(0.2)
        back = time.monotonic() - started
        print(f"replica: the report read {before} while replay was paused after the write, caught up "
              f"{caught_up:.2f} s after replay resumed; replica down: {down}, everything else {up}; "
              f"the report answered again {back:.2f} s after the replica came back")
    except Failed as e:
        print(f"replica: FAILED\n  {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        if server:
            server.kill()
            server.wait()
        log.close()
        try:
            replica(False)
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(REPLICA, ignore_errors=True)
        subprocess.run(DB + ["dropdb", NAME], capture_output=True)


if __name__ == "__main__":
    main()
