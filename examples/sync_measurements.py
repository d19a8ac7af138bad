#!/usr/bin/env python3
"""Push a CSV file of measurements to ssw-api, then mirror every measurement locally.

  1. dry run:  POST /api/v1/imports/measurements?mode=validate; stop when a row is rejected
  2. commit:   the same file with mode=commit and an Idempotency-Key; a 202 is followed until done
  3. mirror:   follow GET /api/v1/changes from the cursor in the state file and apply each
               change to a JSON file of measurements keyed by id (first run: the CSV export)

Usage:
  SSW_BASE_URL=https://ssw.example.org SSW_API_KEY=ssw_... \\
    python3 sync_measurements.py [measurements.csv] [--once] [--state F] [--mirror F]

Without a file only the mirror is brought up to date. Needs Python 3.8+ and `requests`.
"""

import argparse
import csv
import io
import json
import os
import sys
import time
import uuid
from urllib.parse import urljoin

import requests

NUMBERS = ("value", "numerator", "denominator")


class ApiError(Exception):
    """An answer that is not a success: a problem+json document (RFC 9457)."""

    def __init__(self, response):
        try:
            self.problem = response.json()
        except ValueError:
            self.problem = {"title": response.reason, "detail": response.text[:200]}
        self.status = response.status_code
        super().__init__(f"{self.status} {self.problem.get('title')}: {self.problem.get('detail') or ''}")


class Api:
    def __init__(self, base_url, api_key):
        self.base = base_url.rstrip("/") + "/"
        self.http = requests.Session()
        # Service accounts send their key as `Authorization: ApiKey <key>` (or `X-API-Key`).
        self.http.headers["Authorization"] = f"ApiKey {api_key}"

    def call(self, method, path, ok=(200,), attempts=5, **kw):
        """One request, retried on network errors and on 503 (after Retry-After).

        A POST is retried only when it carries an Idempotency-Key: the server then
        answers the retry with the job of the first attempt, never a second import.
        """
        retry = method == "GET" or "Idempotency-Key" in kw.get("headers", {})
        for attempt in range(1, attempts + 1):
            try:
                r = self.http.request(method, urljoin(self.base, path), timeout=60, **kw)
            except (requests.ConnectionError, requests.Timeout) as e:
                if not retry or attempt == attempts:
                    raise
                print(f"  network error ({e.__class__.__name__}), trying again", file=sys.stderr)
                time.sleep(2 ** attempt)
                continue
            if r.status_code == 503 and retry and attempt < attempts:
                time.sleep(int(r.headers.get("Retry-After", "2")))
                continue
            if r.status_code not in ok:
                raise ApiError(r)
            return r


def import_file(api, data, mode, idempotency_key=None):
    """File the import and return the finished job (the report)."""
    headers = {"Content-Type": "text/csv"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    try:
        r = api.call("POST", f"/api/v1/imports/measurements?mode={mode}", ok=(200, 202),
                     data=data, headers=headers)
    except ApiError as e:
        # An atomic commit with rejected rows writes nothing; `import` is the report.
        if e.problem.get("type") == "urn:problem-type:ssw:import-rejected":
            return e.problem["import"]
        raise
    job = r.json()
    # A large file runs in the background: 202 and Location; poll until it has ended.
    location = r.headers.get("Location", job["self"])
    if r.status_code == 202:
        print(f"  {mode}: running in the background, following {location}")
    while job["status"] in ("queued", "running"):
        time.sleep(int(r.headers.get("Retry-After", "1")))
        r = api.call("GET", location)
        job = r.json()
    return job


def report(api, job):
    """Print the counts and every rejected row; True when nothing was rejected."""
    c = job["counts"]
    print(f"  {job['mode']}: {job['status']} - read {c['read']}, created {c['created']}, "
          f"updated {c['updated']}, unchanged {c['unchanged']}, rejected {c['rejected']}")
    if job.get("failure"):
        f = job["failure"]
        print(f"  the file could not be read ({f['code']}, line {f.get('line')}): {f['message']}")
        return False
    page = f"{job['rows']}?outcome=rejected&pageSize=200" if c["rejected"] else None
    while page:  # `rejectedRows` holds the first 100; the rows resource has them all
        body = api.call("GET", page).json()
        for row in body["items"]:
            for i in row["issues"]:
                value = f", value {i['value']!r}" if i.get("value") is not None else ""
                print(f"  line {row['line']}, column {i.get('column') or '-'}{value}: "
                      f"{i['code']} - {i['message']}")
        page = body.get("next")
    return job["status"] == "succeeded"


def from_csv(row):
    """A row of the CSV export as a mirror record (empty cells are None)."""
    rec = {k: (v if v != "" else None) for k, v in row.items()}
    for k in NUMBERS:
        rec[k] = float(rec[k]) if rec[k] is not None else None
    rec["version"] = int(rec["version"])
    return rec


def from_json(m, indicator_code):
    """A measurement as served by GET /measurements/{id}, in the export's columns."""
    place = m["place"]
    return {"id": m["id"], "indicatorId": m["indicatorId"], "indicatorCode": indicator_code,
            "period": m["period"], "placeType": place["type"], "placeCode": place.get("code"),
            "placeName": place.get("name"), **{k: m.get(k) for k in NUMBERS},
            "text": m.get("text") or None, "note": m.get("note") or None,
            "externalId": m.get("externalId"), "version": m["version"]}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, value):
    """Write JSON atomically: a crash leaves the old file or the new one."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def follow(api, state_path, mirror_path, once, wait, limit):
    if os.path.exists(state_path):
        cursor = load(state_path)["cursor"]
        mirror = load(mirror_path)
    else:
        # First run: the full export is the starting point, its cursor where the feed follows on.
        r = api.call("GET", "/api/v1/measurements?format=csv")
        rows = csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))
        mirror = {rec["id"]: rec for rec in map(from_csv, rows)}
        cursor = r.headers["X-Changes-Cursor"]
        save(mirror_path, mirror)
        save(state_path, {"cursor": cursor})
        print(f"  started the mirror from the export: {len(mirror)} measurements")
    codes = {rec["indicatorId"]: rec["indicatorCode"] for rec in mirror.values()}
    while True:
        page = api.call("GET", "/api/v1/changes", params={
            "after": cursor, "resource": "measurement", "limit": limit, "wait": wait}).json()
        for change in page["items"]:
            mid = change["id"]
            if change["operation"] == "delete":  # a tombstone
                mirror.pop(mid, None)
                continue
            # The feed says what changed; mirror the record as it is now.
            try:
                m = api.call("GET", change["self"]).json()
            except ApiError as e:
                if e.status != 404:
                    raise
                mirror.pop(mid, None)  # removed since; its tombstone follows
                continue
            if m["indicatorId"] not in codes:
                codes[m["indicatorId"]] = api.call(
                    "GET", f"/api/v1/indicators/{m['indicatorId']}").json().get("code")
            mirror[mid] = from_json(m, codes[m["indicatorId"]])
        # Mirror first, cursor second: after a crash a page is applied again, which is harmless.
        save(mirror_path, mirror)
        cursor = page["next"]
        save(state_path, {"cursor": cursor})
        if page["items"] or once:
            print(f"  {len(page['items'])} changes applied; the mirror holds {len(mirror)} measurements")
        if once and not page["items"]:
            return


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("csv", nargs="?", help="CSV file of measurements to import")
    p.add_argument("--base-url", default=os.environ.get("SSW_BASE_URL", "http://127.0.0.1:8080"),
                   help="default: $SSW_BASE_URL, else http://127.0.0.1:8080")
    p.add_argument("--api-key", default=os.environ.get("SSW_API_KEY"), help="default: $SSW_API_KEY")
    p.add_argument("--state", default="sync-state.json", help="where the feed cursor is kept")
    p.add_argument("--mirror", default="measurements-mirror.json", help="the measurements, by id")
    p.add_argument("--once", action="store_true", help="stop when the feed has nothing new")
    p.add_argument("--wait", type=int, help="seconds the server may hold an empty page (max 30)")
    p.add_argument("--limit", type=int, default=500, help="changes per page (max 1000)")
    args = p.parse_args()
    if not args.api_key:
        p.error("give an API key: --api-key or SSW_API_KEY")
    api = Api(args.base_url, args.api_key)
    try:
        if args.csv:
            with open(args.csv, "rb") as f:
                data = f.read()
            print(f"1. dry run of {args.csv}")
            if not report(api, import_file(api, data, "validate")):
                sys.exit("nothing was imported: correct the rows above and run again")
            print("2. commit")
            # One key per run: a retry after a network error gets the same job back.
            if not report(api, import_file(api, data, "commit", str(uuid.uuid4()))):
                sys.exit("nothing was imported: correct the rows above and run again")
        print("3. change feed")
        wait = args.wait if args.wait is not None else (0 if args.once else 25)
        follow(api, args.state, args.mirror, args.once, wait, args.limit)
    except ApiError as e:
        sys.exit(f"error: {e}")
    except requests.RequestException as e:
        sys.exit(f"error: cannot reach {args.base_url}: {e}")
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
