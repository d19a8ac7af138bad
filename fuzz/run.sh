#!/usr/bin/env bash
# Schemathesis against the served API, driven by openapi/openapi.json: all
# checks, all phases (examples, coverage, fuzzing, stateful), a fixed seed and a
# bounded number of examples per operation. The server runs on a throwaway
# database of the private cluster; schemathesis logs in as a reader, a
# coordinator, steering and an admin and moves an operation to the next identity
# only when the previous one is refused. Exits non-zero on any failure.
#
# Settings: FUZZ_SEED (default 20261122), FUZZ_MAX_EXAMPLES (default 25),
# FUZZ_PORT (default 18080), BIN (default target/debug/ssw-api).
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=${FUZZ_SEED:-20261122}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
PORT=${FUZZ_PORT:-18080}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/debug/ssw-api}
DB=scripts/db.sh
OUT=${FUZZ_OUT:-target/fuzz}

if ! command -v st >/dev/null 2>&1 || ! st --version 2>/dev/null | grep -q 'version 4\.'; then
  python3 -m pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi

mkdir -p "$OUT"
$DB start
$DB dropdb ssw_fuzz >/dev/null
$DB createdb ssw_fuzz
export DATABASE_URL
DATABASE_URL=$($DB url ssw_fuzz)
"$BIN" migrate
# The example plan: real records for the fuzzer to read, change and refer to.
"$BIN" seed >/dev/null

PASSWORD="fuzz-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export SSW_NEW_USER_PASSWORD=$PASSWORD
users=(reader:reader coordinator:coordinator steering:steering admin:admin)
for entry in "${users[@]}"; do
  name=${entry%%:*} role=${entry##*:}
  region=()
  [ "$role" = coordinator ] && region=(--region limburg)
  "$BIN" create-user --email "fuzz-$name@example.org" --display-name "Fuzz $name" --role "$role" "${region[@]}" >/dev/null
done
# Accounts the fuzzer may change (the ones above it signs in with stay as they are).
"$BIN" create-user --email fuzz-target-1@example.org --display-name "Fuzz target 1" --role reader >/dev/null
"$BIN" create-user --email fuzz-target-2@example.org --display-name "Fuzz target 2" --role coordinator --region limburg >/dev/null
unset SSW_NEW_USER_PASSWORD

# The Web Fuzzing Commons auth file: one login per identity, least rights first.
python3 - "$OUT/auth.json" "$PASSWORD" "${users[@]}" <<'PY'
import json, sys
path, password, *users = sys.argv[1:]
auth = []
for entry in users:
    name = entry.split(":")[0]
    auth.append({
        "name": name,
        "loginEndpointAuth": {
            "endpoint": "/api/v1/auth/login",
            "verb": "POST",
            "contentType": "application/json",
            "payloadUserPwd": {
                "username": f"fuzz-{name}@example.org",
                "usernameField": "email",
                "password": password,
                "passwordField": "password",
            },
            "token": {
                "extractFrom": "body",
                "extractSelector": "/accessToken",
                "sendIn": "header",
                "sendName": "Authorization",
                "sendTemplate": "Bearer {token}",
            },
        },
    })
json.dump({"schemaVersion": "0.1.0", "auth": auth}, open(path, "w"), indent=1)
PY

# The identities keep signing in however many wrong passwords the fuzzer
# sends (`/me/password`, `/auth/login`); tests/api covers the throttle itself.
SSW_ENV=development SSW_BIND=127.0.0.1:$PORT SSW_WORKERS=2 \
  SSW_JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w0) \
  SSW_LOGIN_MAX_FAILURES_PER_CLIENT=100000 SSW_LOGIN_MAX_FAILURES_PER_ACCOUNT=100000 RUST_LOG=${RUST_LOG:-warn} \
  "$BIN" serve > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done

# A service account with an API key, then the ids of the records to work on.
python3 - "http://127.0.0.1:$PORT" "fuzz-admin@example.org" "$PASSWORD" <<'PY'
import json, sys, urllib.request
base, email, password = sys.argv[1:]
def call(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(req) as res:
        return json.load(res)
token = call("/api/v1/auth/login", {"email": email, "password": password})["accessToken"]
account = call("/api/v1/serviceAccounts", {"name": "Fuzz GBO sync", "role": "reader"}, token)
call(f"/api/v1/serviceAccounts/{account['id']}/apiKeys", {"name": "fuzz"}, token)
call("/api/v1/primaryCareZones", {"code": "fuzz-zone", "name": "Eerstelijnszone Genk (fuzz)",
                                  "regionId": "limburg", "municipalities": ["71016"]}, token)
PY
$DB psql -d ssw_fuzz -tA -f fuzz/records.sql > "$OUT/records.json"
export FUZZ_RECORDS=$OUT/records.json

status=0
PYTHONPATH=fuzz${PYTHONPATH:+:$PYTHONPATH} SCHEMATHESIS_HOOKS=hooks \
st --config-file fuzz/schemathesis.toml run openapi/openapi.json \
  --url "http://127.0.0.1:$PORT" \
  --auth-wfc "$OUT/auth.json" \
  --checks all \
  --exclude-checks use_after_free \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$SEED" \
  --max-examples "$MAX_EXAMPLES" \
  --workers 1 \
  --request-timeout 10 \
  --no-color \
  --generation-database none \
  --report junit,ndjson --report-dir "$OUT" || status=$?

if grep -q 'answered 5\|panicked' "$OUT/server.log"; then
  echo "fuzz: the server log shows an internal error or a panic:" >&2
  grep 'answered 5\|panicked' "$OUT/server.log" | head -20 >&2
  status=1
fi
exit $status
