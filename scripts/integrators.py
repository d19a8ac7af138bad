#!/usr/bin/env python3
"""What an integrator does, against the service on a throwaway database:
  - examples/sync_measurements.py with a service account's API key on a CSV of new
    measurements: the first run creates every row (following a 202: the wait size is
    set low), the second finds every row unchanged; a correction and a removal reach
    the mirror through the change feed; the mirror equals the export; a file with bad
    rows stops at the dry run;
  - a client generated from openapi/openapi.json by openapi-python-client (every
    operation generated), installed with pip: log in, page a list, change a record
    with If-Match, file an import, read the change feed.
Exits non-zero on any failure.

Usage: BIN=target/debug/ssw-api python3 scripts/integrators.py   (run by `make examples`)
Settings: EXAMPLES_PORT (default 18095), BIN.
"""

import csv
import importlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import requests
except ImportError:  # examples/sync_measurements.py needs it too
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "requests>=2,<3"], check=True)
    import requests

ROOT = Path(__file__).resolve().parent.parent
DB = [str(ROOT / "scripts" / "db.sh")]
BIN = os.environ.get("BIN", str(ROOT / "target" / "debug" / "ssw-api"))
PORT = int(os.environ.get("EXAMPLES_PORT", "18095"))
BASE = f"http://127.0.0.1:{PORT}"
DATABASE = "ssw_examples"
ADMIN, PASSWORD = "examples-admin@example.org", "examples " + secrets.token_hex(8)
GENERATOR = "openapi-python-client>=0.29,<0.30"
PIP = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
OUT = ROOT / "target" / "examples"
SYNC = ROOT / "examples" / "sync_measurements.py"
DOCUMENT = ROOT / "openapi" / "openapi.json"


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def sh(args, **kw):
    r = subprocess.run(args, text=True, capture_output=True, **kw)
    check(r.returncode == 0, f"{' '.join(map(str, args[:4]))} failed:\n{r.stdout}{r.stderr}")
    return r.stdout.strip()


def start_server():
    sh(DB + ["start"])
    subprocess.run(DB + ["dropdb", DATABASE], capture_output=True)
    sh(DB + ["createdb", DATABASE])
    env = dict(os.environ, DATABASE_URL=sh(DB + ["url", DATABASE]))
    sh([BIN, "migrate"], env=env)
    sh([BIN, "seed"], env=env)
    sh([BIN, "create-user", "--email", ADMIN, "--display-name", "Examples", "--role", "admin"],
       env=dict(env, SSW_NEW_USER_PASSWORD=PASSWORD))
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "server.log", "w")
    server = subprocess.Popen([BIN, "serve"], stdout=log, stderr=log, env=dict(
        env, SSW_BIND=f"127.0.0.1:{PORT}", SSW_JWT_SECRET=secrets.token_hex(32), SSW_WORKERS="2",
        SSW_IMPORT_WAIT_BYTES="256", RUST_LOG="warn"))
    for _ in range(100):
        try:
            if requests.get(f"{BASE}/health/ready", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        check(server.poll() is None, f"the server stopped: see {OUT / 'server.log'}")
        time.sleep(0.1)
    server.terminate()
    raise Failed("the server did not become ready within 10 s")


def call(session, method, path, status=200, **kw):
    r = session.request(method, BASE + path, timeout=30, **kw)
    check(r.status_code == status, f"{method} {path}: {r.status_code} {r.text[:300]}")
    return r


def new_rows(admin):
    """New measurements for a yearly count indicator of the plan (measured anywhere):
    municipalities and years it has no value for yet."""
    indicators = call(admin, "GET", "/api/v1/indicators?measure=count&pageSize=200").json()["items"]
    indicator = next((i for i in indicators if i["subject"]["type"] == "plan"
                      and i["granularity"] == "year"), None)
    check(indicator, "the example data has no yearly count indicator of a plan")
    taken = {(m["period"], m["place"].get("code")) for m in call(
        admin, "GET", f"/api/v1/measurements?indicator={indicator['id']}&pageSize=200").json()["items"]}
    places = [m["nisCode"] for m in call(admin, "GET", "/api/v1/municipalities?pageSize=200").json()["items"]]
    keys = [(str(y), p) for p in places for y in (2022, 2023, 2024) if (str(y), p) not in taken][:6]
    check(len(keys) == 6, "too few free periods and places for the example indicator")
    return [{"indicatorId": indicator["id"], "period": year, "placeType": "municipality", "placeCode": place,
             "value": str(10 + n), "note": "examples", "externalId": f"examples-{place}-{year}"}
            for n, (year, place) in enumerate(keys)]


def write_csv(path, rows):  # plain values: no quoting needed
    path.write_text("".join(",".join(r) + "\n" for r in [list(rows[0]), *map(dict.values, rows)]))


def sync(work, key, *args):
    r = subprocess.run([sys.executable, str(SYNC), *args, "--once", "--wait", "1",
                        "--state", str(work / "state.json"), "--mirror", str(work / "mirror.json")],
                       capture_output=True, text=True, timeout=90,
                       env=dict(os.environ, SSW_BASE_URL=BASE, SSW_API_KEY=key))
    return r.returncode, r.stdout + r.stderr


def counts(output, mode):
    m = re.search(rf"{mode}: \w+ - read (\d+), created (\d+), updated (\d+), unchanged (\d+), "
                  r"rejected (\d+)", output)
    check(m, f"the sync printed no {mode} counts:\n{output}")
    return dict(zip(("read", "created", "updated", "unchanged", "rejected"), map(int, m.groups())))


def check_sync(admin, key, work):
    rows = new_rows(admin)
    write_csv(work / "measurements.csv", rows)
    n = len(rows)
    rc, out = sync(work, key, str(work / "measurements.csv"))
    check(rc == 0, f"first sync failed:\n{out}")
    created = {"read": n, "created": n, "updated": 0, "unchanged": 0, "rejected": 0}
    check(counts(out, "validate") == created and counts(out, "commit") == created,
          f"the first sync did not create every row:\n{out}")
    check("commit: running in the background" in out, f"the commit did not follow a 202:\n{out}")
    mirror = json.loads((work / "mirror.json").read_text())
    by_external = {m["externalId"]: m for m in mirror.values() if m["externalId"]}
    lacking = [r["externalId"] for r in rows
               if by_external.get(r["externalId"], {}).get("value") != float(r["value"])]
    check(not lacking, f"the mirror lacks the imported measurements {lacking}")

    rc, out = sync(work, key, str(work / "measurements.csv"))
    check(rc == 0 and counts(out, "commit") == dict(created, created=0, unchanged=n),
          f"the second sync of the same file did not find every row unchanged:\n{out}")

    # A correction and a removal by someone else reach the mirror through the feed.
    changed, removed = (by_external[r["externalId"]]["id"] for r in rows[:2])
    for mid, method, body in ((changed, "PATCH", {"value": 99}), (removed, "DELETE", None)):
        etag = call(admin, "GET", f"/api/v1/measurements/{mid}").headers["ETag"]
        call(admin, method, f"/api/v1/measurements/{mid}", 204 if method == "DELETE" else 200,
             data=json.dumps(body) if body else None,
             headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"})
    deadline = time.monotonic() + 30  # the feed waits for every older transaction in the cluster
    while True:
        rc, out = sync(work, key)
        check(rc == 0, f"the feed-only sync failed:\n{out}")
        mirror = json.loads((work / "mirror.json").read_text())
        if mirror.get(changed, {}).get("value") == 99 and removed not in mirror:
            break
        check(time.monotonic() < deadline, f"the feed did not bring the correction and the removal:\n{out}")
    sys.path.insert(0, str(SYNC.parent))
    import sync_measurements as example
    export = call(admin, "GET", "/api/v1/measurements?format=csv").content.decode("utf-8-sig")
    expected = {m["id"]: m for m in map(example.from_csv, csv.DictReader(export.splitlines()))}
    differ = sorted(k for k in expected.keys() | mirror.keys() if expected.get(k) != mirror.get(k))
    check(not differ, f"the mirror differs from the export for {len(differ)} measurements: {differ[:3]}")

    write_csv(work / "bad.csv", [dict(rows[2], period="2024Q1"), dict(rows[3], value="-1")])
    rc, out = sync(work, key, str(work / "bad.csv"))
    check(rc != 0 and "line 2, column period" in out and "line 3, column value" in out
          and "2. commit" not in out, f"a file with bad rows did not stop at the dry run:\n{out}")
    print(f"integrators: sync created {n} measurements, found them unchanged again, mirrored a "
          f"correction and a removal; the mirror equals the export ({len(mirror)} measurements)")
    return rows


def generate_client(tmp):
    r = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--meta", "setup",
                        "--path", str(DOCUMENT), "--output-path", str(tmp / "client")],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"openapi-python-client could not generate a client:\n{r.stdout}{r.stderr}")
    for where, what in re.findall(r"WARNING (.+)\n+(.+)", r.stderr):
        print(f"integrators: openapi-python-client warns: {where} {what}")
    # Its dependencies (httpx, attrs) are the generator's own, in the same version ranges.
    sh(PIP + ["--no-deps", "--target", str(tmp / "site"), str(tmp / "client")])
    sys.path.insert(0, str(tmp / "site"))
    package = next(p.name for p in (tmp / "client").iterdir() if (p / "client.py").exists())
    modules = {f.stem: f"{package}.api.{f.parent.name}.{f.stem}"
               for f in (tmp / "site" / package / "api").glob("*/*.py")}
    operations = {(method.upper(), path): op["operationId"]
                  for path, item in json.loads(DOCUMENT.read_text())["paths"].items()
                  for method, op in item.items() if isinstance(op, dict) and "operationId" in op}
    missing = [f"{method} {path}" for (method, path), op in operations.items() if op not in modules]
    check(not missing, f"the generated client lacks the operations {missing}")
    return package, {key: modules[op] for key, op in operations.items()}


def check_client(package, operations, rows):
    client, models = (importlib.import_module(f"{package}{m}") for m in ("", ".models"))
    def api(operation):
        method, path = operation.split(" ", 1)
        return importlib.import_module(operations[(method, "/api/v1" + path)])
    def expect(response, status, model, what):
        check(response.status_code == status and isinstance(response.parsed, model),
              f"generated client, {what}: {response.status_code} {type(response.parsed).__name__} "
              f"{response.content[:300]!r}")
        return response.parsed
    anonymous = client.Client(base_url=BASE, raise_on_unexpected_status=True)
    tokens = expect(api("POST /auth/login").sync_detailed(client=anonymous, body=models.LoginRequest(
        email=ADMIN, password=PASSWORD)), 200, models.TokenResponse, "login")
    c = client.AuthenticatedClient(base_url=BASE, token=tokens.access_token, raise_on_unexpected_status=True)
    page = expect(api("GET /initiatives").sync_detailed(client=c, page=2, page_size=5),
                  200, models.PagedInitiative, "list initiatives")
    check(page.page == 2 and len(page.items) == 5 and page.total > 10, f"page 2 of initiatives: {page}")
    org_id = expect(api("GET /organisations").sync_detailed(client=c, page_size=1),
                    200, models.PagedOrganisation, "list organisations").items[0].id
    read = api("GET /organisations/{id}").sync_detailed(client=c, id=org_id)
    org = expect(read, 200, models.Organisation, "read an organisation")
    update = api("PATCH /organisations/{id}")
    patch = models.OrganisationPatch(website="https://example.org/examples")
    changed = expect(update.sync_detailed(client=c, id=org_id, body=patch, if_match=read.headers["ETag"]),
                     200, models.Organisation, "PATCH an organisation with If-Match")
    check(changed.version == org.version + 1 and changed.website == patch.website, f"patched: {changed}")
    stale = expect(update.sync_detailed(client=c, id=org_id, body=patch, if_match=read.headers["ETag"]),
                   412, models.Problem, "PATCH with a stale If-Match")
    check(stale.type_ == "urn:problem-type:ssw:precondition-failed", f"stale If-Match: {stale}")
    create_import = api("POST /imports/measurements")
    body = [dict(r, value=int(r["value"])) for r in rows[2:]]
    filed = create_import.sync_detailed(client=c, body=body, mode="validate")
    job = expect(filed, 202, models.ImportJob, "file an import (validate, larger than the wait size)")
    while job.status in ("queued", "running"):
        time.sleep(int(filed.headers.get("Retry-After", "1")))
        job = expect(api("GET /imports/{id}").sync_detailed(client=c, id=job.id), 200,
                     models.ImportJob, "read an import")
    check(job.status == "succeeded" and job.counts.read == len(body), f"validation: {job.to_dict()}")
    refused = expect(create_import.sync_detailed(client=c, body=[dict(body[0], period="2024Q1")]),
                     422, models.Problem, "file an import with a rejected row")
    report = refused.import_
    check(isinstance(report, models.ImportJob), f"a rejected import's report: {refused.to_dict()}")
    check(refused.type_ == "urn:problem-type:ssw:import-rejected" and report.status == "rejected",
          f"a rejected import: {refused.to_dict()}")
    list_changes, after, deadline = api("GET /changes"), {}, time.monotonic() + 30
    kind = models.ListChangesResourceItem.ORGANISATION
    while True:
        feed = expect(list_changes.sync_detailed(client=c, resource=[kind], limit=1000, wait=2, **after),
                      200, models.ChangesPage, "read the change feed")
        if any(ch.id == str(org_id) and ch.version == changed.version for ch in feed.items):
            break
        check(feed.items or time.monotonic() < deadline, "the change feed did not show the PATCH")
        after = {"after": feed.next_}
    print("integrators: the generated client logged in, paged initiatives, patched an organisation "
          "with If-Match (and got 412 when stale), filed and read an import, and read the change feed")


def main():
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("integrators: terminated"))  # still stops the server
    version = subprocess.run([sys.executable, "-m", "openapi_python_client", "--version"],
                             capture_output=True, text=True).stdout
    if "version: 0.29." not in version:
        sh(PIP + [GENERATOR])
    server = None
    try:
        server = start_server()
        admin = requests.Session()
        login = call(admin, "POST", "/api/v1/auth/login", json={"email": ADMIN, "password": PASSWORD})
        admin.headers["Authorization"] = f"Bearer {login.json()['accessToken']}"
        account = call(admin, "POST", "/api/v1/serviceAccounts", 201,
                       json={"name": "Examples sync", "role": "steering"}).json()
        key = call(admin, "POST", f"/api/v1/serviceAccounts/{account['id']}/apiKeys", 201,
                   json={"name": "examples"}).json()["key"]
        with tempfile.TemporaryDirectory(prefix="ssw-examples-") as tmp:
            rows = check_sync(admin, key, Path(tmp))
            check_client(*generate_client(Path(tmp)), rows)
        log = (OUT / "server.log").read_text()
        check("answered 5" not in log and "panicked" not in log,
              f"the server log shows an internal error or a panic: {OUT / 'server.log'}")
    except (Failed, OSError, subprocess.TimeoutExpired) as e:
        print(f"integrators: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=40)
        subprocess.run(DB + ["dropdb", DATABASE], capture_output=True)
    print(f"integrators: ok in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
