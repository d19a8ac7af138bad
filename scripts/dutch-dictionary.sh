#!/usr/bin/env bash
# Installs the Dutch dictionary that practice search uses (text search
# dictionary `ssw_nl_ispell`) into a PostgreSQL server's tsearch_data:
# Debian's hunspell-nl, converted by scripts/dutch_dictionary.py.
# Usage: scripts/dutch-dictionary.sh [SHAREDIR]   (default: pg_config --sharedir)
#
# The files must be on the database server before `ssw-api migrate` creates
# the search configuration; without them search falls back to stemming only,
# which does not split compound words. Nothing is done when the files are
# already newer than the converter. SSW_NO_APT=1 forbids apt-get.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHAREDIR=${1:-$(pg_config --sharedir)}
TARGET=$SHAREDIR/tsearch_data
CONVERTER=$ROOT/scripts/dutch_dictionary.py
SOURCE=/usr/share/hunspell/nl

log() { echo "dutch dictionary: $*" >&2; }

if [ -s "$TARGET/ssw_nl.dict" ] && [ -s "$TARGET/ssw_nl.affix" ] \
  && [ "$TARGET/ssw_nl.dict" -nt "$CONVERTER" ]; then
  exit 0
fi

root=0
[ "$(id -u)" = "0" ] && root=1
if [ ! -s "$SOURCE.dic" ]; then
  if [ "$root" = 1 ] && [ "${SSW_NO_APT:-0}" != "1" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing hunspell-nl"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell-nl >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell-nl >/dev/null; }
  else
    log "$SOURCE.dic is missing: install hunspell-nl (apt-get install hunspell-nl) and run $0 as root"
    exit 1
  fi
fi
if [ ! -w "$TARGET" ]; then
  log "$TARGET is not writable: run $0 as root (or as the owner of the PostgreSQL installation)"
  exit 1
fi
python3 "$CONVERTER" --src "$SOURCE" --out-dir "$TARGET" \
  --unaccent-rules "$TARGET/unaccent.rules" >/dev/null
chmod 644 "$TARGET/ssw_nl.dict" "$TARGET/ssw_nl.affix"
log "wrote $TARGET/ssw_nl.dict and ssw_nl.affix"
