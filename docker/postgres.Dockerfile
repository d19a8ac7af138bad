# syntax=docker/dockerfile:1
# PostgreSQL 15 with the Dutch dictionary practice search uses: Debian's
# hunspell-nl, converted by scripts/dutch_dictionary.py into tsearch_data.
FROM postgres:15-bookworm
COPY scripts/dutch_dictionary.py /usr/local/lib/ssw/dutch_dictionary.py
RUN apt-get update \
    && apt-get install -y --no-install-recommends hunspell-nl python3 \
    && python3 /usr/local/lib/ssw/dutch_dictionary.py --src /usr/share/hunspell/nl \
         --out-dir "$(pg_config --sharedir)/tsearch_data" \
         --unaccent-rules "$(pg_config --sharedir)/tsearch_data/unaccent.rules" \
    && rm -rf /var/lib/apt/lists/*
