#!/usr/bin/env python3
"""Two server processes on one database: nothing lives in one process only.

Starts two instances of the service (A and B, the same secret, as behind a
load balancer) on a throwaway database of the private cluster, with the
example plan seeded, and fails unless:
  - failed logins count across both: failures on A and on B together reach
    the account's limit, and the next attempt on either is a 429;
  - a refresh token rotated on A and presented again on B is refused, and the
    whole session (the token A gave in its place too) is revoked;
  - a logout on A, and a deactivation on A, end access on B within the
    second an instance trusts a session it checked (README, Configuration);
  - `If-Match` decides between writers on A and B: the second write naming
    the same version is a 412;
  - an Idempotency-Key used on A gives the same answer on B, and an import
    job filed on A is read on B;
  - a write on A is in the change feed read from B;
  - a roll-up read on B shows a progress update posted on A within the two
    seconds an instance shares a plan's roll-up;
  - a page of initiatives kept on B shows a write on A in B's very next page.

Usage: BIN=target/debug/ssw-api python3 scripts/instances.py
"""

import os
import secrets
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import harness
from harness import DB, Failed, check, sh

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("BIN", str(ROOT / "target" / "debug" / "ssw-api"))
PORTS = {"A": int(os.environ.get("INSTANCE_A_PORT", "18096")), "B": int(os.environ.get("INSTANCE_B_PORT", "18097"))}
NAME = "ssw_instances"
PASSWORD = "instances password " + secrets.token_hex(8)
LIMIT = 4  # failed logins per account per window
SESSION_TRUST = 1.0  # seconds an instance trusts a session it checked
ROLLUP_SHARED = 2.0  # seconds an instance shares a plan's roll-up
SLACK = 0.5  # for the poll interval and the two processes' clocks


def sql(query):
    return harness.sql(NAME, query)


def call(on, method, path, body=None, token=None, headers=None):
    return harness.call(f"http://127.0.0.1:{PORTS[on]}", method, path, body, token=token, headers=headers)


def serve(on, env, log):
    return harness.serve(BIN, f"http://127.0.0.1:{PORTS[on]}", dict(env, SSW_BIND=f"127.0.0.1:{PORTS[on]}"), log,
                         f"instance {on}")


def login(on, email, password=PASSWORD):
    return call(on, "POST", "/api/v1/auth/login", {"email": email, "password": password})


def tokens(on, email):
    status, _, body = login(on, email)
    check(status == 200, f"login of {email} on {on}: {status} {body}")
    return body["accessToken"], body["refreshToken"]


def until(predicate, within, what):
    """Seconds until `predicate()` holds, polling every 50 ms; fails after `within` s."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > within:
            raise Failed(f"{what}: not within {within:.1f} s")
        time.sleep(0.05)


def throttling():
    email = "throttled@example.org"
    for i in range(LIMIT):
        status, _, _ = login("AB"[i % 2], email, "not the password")
        check(status == 401, f"failed login {i + 1}: {status}")
    answers = [login(on, email)[0] for on in "AB"]
    check(answers == [429, 429], f"after {LIMIT} failures split over A and B, the right password: {answers}")
    return f"{LIMIT} failures split over A and B block the account on both (429)"


def refresh_family():
    _, first = tokens("A", "steering@example.org")
    status, _, rotated = call("A", "POST", "/api/v1/auth/refresh", {"refreshToken": first})
    check(status == 200, f"refresh on A: {status} {rotated}")
    status, _, _ = call("B", "POST", "/api/v1/auth/refresh", {"refreshToken": first})
    check(status == 401, f"the retired token on B: {status}")
    status, _, _ = call("B", "POST", "/api/v1/auth/refresh", {"refreshToken": rotated["refreshToken"]})
    check(status == 401, f"the token A gave in its place, after the reuse: {status}")
    waited = until(lambda: call("B", "GET", "/api/v1/me", token=rotated["accessToken"])[0] == 401,
                   SESSION_TRUST + SLACK, "the revoked session's access token on B")
    return f"a refresh token rotated on A and reused on B revokes the session ({waited:.2f} s for its access token on B)"


def session_end(kind, admin):
    email = f"{kind}@example.org"
    access, refresh = tokens("A", email)
    status, _, _ = call("B", "GET", "/api/v1/me", token=access)
    check(status == 200, f"{kind}: /me on B before: {status}")
    if kind == "logout":
        status, _, body = call("A", "POST", "/api/v1/auth/logout", {"refreshToken": refresh})
    else:
        user = sql(f"SELECT id FROM users WHERE email = '{email}'")
        _, headers, _ = call("A", "GET", f"/api/v1/users/{user}", token=admin)
        status, _, body = call("A", "PATCH", f"/api/v1/users/{user}", {"active": False}, token=admin,
                               headers={"If-Match": headers["etag"]})
    check(status in (200, 204), f"{kind} on A: {status} {body}")
    waited = until(lambda: call("B", "GET", "/api/v1/me", token=access)[0] == 401, SESSION_TRUST + SLACK,
                   f"access on B after a {kind} on A")
    return f"a {kind} on A ends access on B after {waited:.2f} s"


def if_match(steering, action):
    _, headers, _ = call("A", "GET", f"/api/v1/actions/{action}", token=steering)
    tag = headers["etag"]
    first = call("B", "PATCH", f"/api/v1/actions/{action}", {"title": "Voorbeeld: eerst via B"},
                 token=steering, headers={"If-Match": tag})[0]
    second = call("A", "PATCH", f"/api/v1/actions/{action}", {"title": "Voorbeeld: dan via A"},
                  token=steering, headers={"If-Match": tag})[0]
    check((first, second) == (200, 412), f"two writers naming version {tag} on B then A: {first}, {second}")
    return f"two writers naming version {tag}: B 200, A 412"


def idempotency_and_imports(steering):
    body = {"name": "Voorbeeld: Twee instanties vzw", "kind": "association", "regionId": "limburg"}
    key = {"Idempotency-Key": "instances-" + secrets.token_hex(6)}
    a = call("A", "POST", "/api/v1/organisations", body, token=steering, headers=key)
    b = call("B", "POST", "/api/v1/organisations", body, token=steering, headers=key)
    check(a[0] == 201 and b[0] == 201 and a[2]["id"] == b[2]["id"],
          f"the same key on A then B: {a[0]} {a[2].get('id')}, {b[0]} {b[2].get('id')}")
    made = int(sql(f"SELECT count(*) FROM organisations WHERE name = '{body['name']}'"))
    check(made == 1, f"organisations made by the key on both: {made}")
    rows = [{"name": "Voorbeeld: Ingevoerd via A", "kind": "association", "regionId": "limburg"}]
    status, _, job = call("A", "POST", "/api/v1/imports/organisations", rows, token=steering)
    check(status in (200, 201, 202), f"import on A: {status} {job}")
    status, _, seen = call("B", "GET", f"/api/v1/imports/{job['id']}", token=steering)
    check(status == 200 and seen["id"] == job["id"], f"the job on B: {status} {seen}")
    return a[2]["id"], f"one Idempotency-Key on A and B makes one organisation; import job {job['status']} on A is read on B"


def feed(steering, organisation):
    def seen_on_b():
        after, found = "", False
        for _ in range(50):
            _, _, page = call("B", "GET", f"/api/v1/changes?resource=organisation&limit=1000{after}", token=steering)
            found = found or any(item["id"] == organisation for item in page["items"])
            if not page["more"]:
                return found
            after = f"&after={page['next']}"
        return found
    waited = until(seen_on_b, 5.0, "the organisation in B's change feed")
    return f"the organisation made on A is in B's change feed after {waited:.2f} s"


def rollup(steering, plan, action):
    def figure():
        status, _, body = call("B", "GET", f"/api/v1/plans/{plan}/progress", token=steering)
        check(status == 200, f"roll-up on B: {status} {body}")
        return body["plan"]["progress"]
    before = figure()
    update = {"date": date.today().isoformat(), "status": "completed"}
    status, _, body = call("A", "POST", f"/api/v1/actions/{action}/progressUpdates", update, token=steering)
    check(status == 201, f"progress update on A: {status} {body}")
    waited = until(lambda: figure() != before, ROLLUP_SHARED + SLACK, "the roll-up on B after a write on A")
    return f"the plan's roll-up on B moved from {before} to {figure()} {waited:.2f} s after a write on A"


def kept_page(steering):
    path = "/api/v1/initiatives?sort=-updatedAt&pageSize=5"
    first = call("B", "GET", path, token=steering)[2]["items"][-1]
    again = call("B", "GET", path, token=steering)[2]["items"][-1]  # kept on B now
    check(first == again, f"the same page on B twice: {first} then {again}")
    _, headers, _ = call("A", "GET", f"/api/v1/initiatives/{first['id']}", token=steering)
    title = "Voorbeeld: hernoemd via A"
    status, _, body = call("A", "PATCH", f"/api/v1/initiatives/{first['id']}", {"title": title},
                           token=steering, headers={"If-Match": headers["etag"]})
    check(status == 200, f"rename on A: {status} {body}")
    items = call("B", "GET", path, token=steering)[2]["items"]
    check(items[0]["id"] == first["id"] and items[0]["title"] == title,
          f"B's next page after a rename on A: {items[0]}")
    return "a page of initiatives kept on B shows a rename on A in B's very next page"


def main():
    sh(DB + ["start"])  # starts the shared cluster when it is down; never stops it
    subprocess.run(DB + ["dropdb", NAME], capture_output=True)
    sh(DB + ["createdb", NAME])
    env = dict(os.environ, DATABASE_URL=sh(DB + ["url", NAME]))
    sh([BIN, "migrate"], env=env)
    sh([BIN, "seed"], env=env)
    for email, role in [("admin@example.org", "admin"), ("steering@example.org", "steering"),
                        ("throttled@example.org", "reader"), ("logout@example.org", "reader"),
                        ("deactivation@example.org", "reader")]:
        sh([BIN, "create-user", "--email", email, "--role", role], env=dict(env, SSW_NEW_USER_PASSWORD=PASSWORD))
    server_env = dict(env, SSW_JWT_SECRET=secrets.token_hex(32), RUST_LOG="warn", SSW_DB_POOL_SIZE="4",
                      SSW_LOGIN_MAX_FAILURES_PER_ACCOUNT=str(LIMIT))
    log = open(ROOT / "target" / "instances-server.log", "w")
    servers = []
    try:
        servers = [serve(on, server_env, log) for on in "AB"]
        admin, _ = tokens("A", "admin@example.org")
        steering, _ = tokens("B", "steering@example.org")
        plan = sql("SELECT id FROM plans WHERE code = 'voorbeeld-2020-2024'")
        # An action with no initiatives: its own status counts in the roll-up.
        action = sql(f"SELECT a.id FROM actions a WHERE a.plan_id = '{plan}' AND NOT EXISTS "
                     "(SELECT 1 FROM initiatives i WHERE i.action_id = a.id) "
                     "AND a.status <> 'completed' ORDER BY a.number DESC LIMIT 1")
        check(action != "", "the example plan has an action without initiatives")
        said = [throttling(), refresh_family(), session_end("logout", admin), session_end("deactivation", admin),
                if_match(steering, action)]
        organisation, line = idempotency_and_imports(steering)
        said += [line, feed(steering, organisation), rollup(steering, plan, action), kept_page(steering)]
        print("instances: two servers on one database:\n  " + "\n  ".join(said))
    except Failed as e:
        print(f"instances: FAILED\n  {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        for server in servers:
            server.kill()
            server.wait()
        log.close()
        subprocess.run(DB + ["dropdb", NAME], capture_output=True)


if __name__ == "__main__":
    main()
