#!/usr/bin/env bash
# Fails when a dependency would be built with other features for the server
# binary than for the tests: Cargo resolves features without the
# dev-dependencies for `cargo build --bins`, so a feature that only a test
# crate turns on makes every crate that depends on it build twice (once for
# `make test`, once more for `make fault`, `fuzz` and `examples`). Such a
# feature belongs under [dependencies] in Cargo.toml, as smallvec's are.
set -euo pipefail
cd "$(dirname "$0")/.."
features() {
  cargo tree --locked "$@" -f "{p} {f}" --prefix none | sed 's/ (\*)$//' | sort -u
}
without_dev=$(features -e no-dev)
with_dev=$(features)
drift=$(comm -23 <(echo "$without_dev") <(echo "$with_dev"))
if [ -n "$drift" ]; then
  echo "built with other features than for the tests (add them under [dependencies]):"
  echo "$drift"
  echo "with the tests:"
  echo "$with_dev" | grep -F -f <(echo "$drift" | cut -d' ' -f1-2 | sed 's/$/ /')
  exit 1
fi
echo "features: the server binary and the tests build every dependency alike"
