"""Search in good practices (issue 14): 100,000 practices of realistic Dutch
text (bench/practice_text.py), searched over HTTP as a reader, one query at a
time and as a mix at 1 and 8 connections.

The practices are loaded into a copy of the data set (`ssw_bench_search`,
dropped afterwards). The table of words for typing errors is filled the way
its trigger fills it, in one statement instead of one row at a time.

Called by bench/run.py with its helpers; returns the figures, the lines for
RESULTS.md and the targets checked.
"""

import time
import urllib.parse

import practice_text

PRACTICES = 100_000
COPY = "ssw_bench_search"
PATH = "/api/v1/practices"
P50_MS, P99_MS = 50, 200
QUERIES = [
    "jongeren", "mantelzorg", "armoede", "gezondheidscentrum", "ondersteunen",
    '"kwetsbare gezinnen"', "vrijwiligers", "armoe*", "armoede -gezinnen", "kangoeroewoning",
    "samenwerking lokaal bestuur",
]
COLUMNS = "title, summary, body, body_text, status, published_on, region_id, themes, evidence_level"
WORDS = """
INSERT INTO practice_words (word, documents)
SELECT t, count(*) FROM (
    SELECT DISTINCT p.id, t
      FROM practices p,
           regexp_split_to_table(lower(ssw_unaccent(p.title || ' ' || p.summary || ' '
               || coalesce(p.body_text, '') || ' ' || p.problem || ' ' || p.aim || ' ' || p.approach
               || ' ' || p.conditions || ' ' || p.results)), '[^a-z]+') AS t
     WHERE p.status <> 'draft' AND length(t) BETWEEN 3 AND 40) w
 GROUP BY t
ON CONFLICT (word) DO UPDATE SET documents = practice_words.documents + excluded.documents
"""


def load(psql, work):
    started = time.time()
    path = work / "practices.copy"
    with open(path, "w") as f:
        f.writelines(practice_text.rows(PRACTICES))
    generated = time.time()
    psql(COPY, "-c", "ALTER TABLE practices DISABLE TRIGGER practice_words_add")
    psql(COPY, "-c", f"\\copy practices ({COLUMNS}) FROM '{path}'")
    psql(COPY, "-c", "ALTER TABLE practices ENABLE TRIGGER practice_words_add")
    copied = time.time()
    psql(COPY, "-c", "INSERT INTO practice_regions (practice_id, region_id) "
                     "SELECT id, region_id FROM practices WHERE region_id IS NOT NULL ON CONFLICT DO NOTHING")
    psql(COPY, "-c", WORDS)
    psql(COPY, "-c", "VACUUM ANALYZE practices")
    psql(COPY, "-c", "VACUUM ANALYZE practice_words")
    done = time.time()
    words = int(psql(COPY, "-c", "SELECT count(*) FROM practice_words").strip())
    size = psql(COPY, "-c", "SELECT pg_size_pretty(pg_total_relation_size('practices'))").strip()
    print(f"search: {PRACTICES:,} practices generated in {generated - started:.0f} s, loaded with their "
          f"search vectors in {copied - generated:.0f} s, words and statistics in {done - copied:.0f} s; "
          f"{words:,} words; table {size}", flush=True)
    return {"generate_s": generated - started, "copy_s": copied - generated, "after_s": done - copied,
            "words": words, "size": size}


def scenarios(server_class, login, psql, db_url, work, wrk):
    psql("postgres", "-c", f"DROP DATABASE IF EXISTS {COPY}")
    psql("postgres", "-c", f"CREATE DATABASE {COPY} TEMPLATE ssw_bench")
    try:
        figures = load(psql, work)
        queries = work / "search-queries.txt"
        queries.write_text("".join(
            f"{PATH}?q={urllib.parse.quote(q)}&pageSize=20\n" for q in QUERIES))
        server = server_class(db_url(COPY), {"SSW_DB_POOL_SIZE": "8"})
        try:
            token = login("reader-1@bench.example.org")
            env = {"SSW_BENCH_TOKEN": token}
            wrk("list", 8, [str(queries)], env, seconds=5)  # warm-up: every pooled connection
            figures["each"] = []
            for q in QUERIES:
                one = work / "search-query.txt"
                one.write_text(f"{PATH}?q={urllib.parse.quote(q)}&pageSize=20\n")
                r = wrk("list", 1, [str(one)], env, seconds=4)
                figures["each"].append((q, r))
                print(f"search {q}: p50 {r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms, "
                      f"{r['rps']:.0f}/s, errors {r['errors']}", flush=True)
            figures["mix"] = {}
            for c in (1, 8):
                r = wrk("list", c, [str(queries)], env)
                figures["mix"][c] = r
                print(f"search mix, {c} connections: {r['rps']:.0f}/s, p50 {r['p50_us'] / 1000:.1f} ms, "
                      f"p99 {r['p99_us'] / 1000:.1f} ms, errors {r['errors']}", flush=True)
            faceted = work / "search-faceted.txt"
            faceted.write_text(queries.read_text().replace("&pageSize=20", "&pageSize=20&facets=true"))
            r = wrk("list", 8, [str(faceted)], env)
            figures["facets"] = r
            print(f"search mix with facets, 8 connections: {r['rps']:.0f}/s, p50 {r['p50_us'] / 1000:.1f} ms, "
                  f"p99 {r['p99_us'] / 1000:.1f} ms", flush=True)
            figures["rss_mb"] = server.window_peak / 1024
        finally:
            server.stop()
        return figures
    finally:
        psql("postgres", "-c", f"DROP DATABASE IF EXISTS {COPY}")


def checks(f):
    """The targets of issue 14's benchmark: (label, met, figure)."""
    out = []
    for c, r in sorted(f["mix"].items()):
        out.append((f"search in {PRACTICES:,} practices: p50 < {P50_MS} ms (the query mix, {c} connection"
                    f"{'s' if c > 1 else ''})", r["p50_us"] < P50_MS * 1000 and r["errors"] == 0,
                    f"{r['p50_us'] / 1000:.1f} ms"))
        out.append((f"search in {PRACTICES:,} practices: p99 < {P99_MS} ms (the query mix, {c} connection"
                    f"{'s' if c > 1 else ''})", r["p99_us"] < P99_MS * 1000 and r["errors"] == 0,
                    f"{r['p99_us'] / 1000:.1f} ms"))
    return out


def text(f):
    each = "; ".join(f"`{q}` {r['p50_us'] / 1000:.1f} / {r['p99_us'] / 1000:.1f}" for q, r in f["each"])
    mix = "; ".join(f"{c} connection{'s' if c > 1 else ''}: {r['rps']:,.0f} searches/s, p50 "
                    f"{r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms, {r['errors']} errors"
                    for c, r in sorted(f["mix"].items()))
    fa = f["facets"]
    return (f"Search (issue 14): {PRACTICES:,} generated practices in Dutch (`bench/practice_text.py`: "
            f"titles of about 8 words, summaries of 40, descriptions of 300; 90 % published, 5 % drafts, "
            f"5 % archived), generated in {f['generate_s']:.0f} s and loaded with their two search vectors "
            f"in {f['copy_s']:.0f} s (the table with its indexes: {f['size']}; {f['words']:,} words for "
            f"typing errors, filled in {f['after_s']:.0f} s). `GET /api/v1/practices?q=…&pageSize=20` as "
            f"a reader, on a server with 8 pooled connections, each warmed with the dictionary. One "
            f"connection, each query alone, p50 / p99 ms: {each}. The query mix (each request one of "
            f"them at random): {mix}. The mix with `facets=true` at 8 connections: {fa['rps']:,.0f} "
            f"searches/s, p50 {fa['p50_us'] / 1000:.1f} ms, p99 {fa['p99_us'] / 1000:.1f} ms. Server RSS "
            f"at most {f['rss_mb']:.0f} MB.")
