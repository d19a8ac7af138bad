"""What the fault scripts share: shell and psql calls, HTTP calls to a server,
starting a server until it is ready, and failing a check with what was seen."""

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = [str(ROOT / "scripts" / "db.sh")]


class Failed(Exception):  # a check that failed; its message says which and what was seen
    pass


def check(ok, message):
    if not ok:
        raise Failed(message)


def sh(args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw).stdout.strip()


def sql(database, query):
    """One query in a database of the project's cluster; its rows as text."""
    return sh(DB + ["psql", "-d", database, "-tAc", query])


def call(base, method, path, body=None, token=None, headers=None, timeout=10, raw=None, content_type=None):
    """One request: (status, lower-cased headers, body). A JSON body is parsed
    (an empty one is None); any other body is returned as bytes."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(path if path.startswith("http") else base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type or (
            "application/merge-patch+json" if method == "PATCH" else "application/json"))
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, *_answer(r.headers, r.read())
    except urllib.error.HTTPError as e:
        return e.code, *_answer(e.headers, e.read())


def _answer(headers, raw):
    headers = {k.lower(): v for k, v in headers.items()}
    if not raw:
        return headers, None
    return headers, json.loads(raw) if "json" in headers.get("content-type", "") else raw


def serve(binary, base, env, log, what="the server"):
    """Starts `binary serve` and waits until it answers ready (at most 10 s)."""
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    for _ in range(100):
        try:
            if call(base, "GET", "/health/ready", timeout=1)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.kill()
    raise Failed(f"{what} did not become ready within 10 s")
