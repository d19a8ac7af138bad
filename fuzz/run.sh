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

PASSWORD="fuzz-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export SSW_NEW_USER_PASSWORD=$PASSWORD
users=(reader:reader coordinator:coordinator steering:steering admin:admin)
for entry in "${users[@]}"; do
  name=${entry%%:*} role=${entry##*:}
  region=()
  [ "$role" = coordinator ] && region=(--region limburg)
  "$BIN" create-user --email "fuzz-$name@example.org" --display-name "Fuzz $name" --role "$role" "${region[@]}" >/dev/null
done
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

SSW_ENV=development SSW_BIND=127.0.0.1:$PORT SSW_WORKERS=2 \
  SSW_JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w0) \
  SSW_LOGIN_MAX_FAILURES_PER_CLIENT=100000 RUST_LOG=${RUST_LOG:-warn} \
  "$BIN" serve > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done

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
