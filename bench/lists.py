"""The lists beside the initiatives' (issue 15): pages of 50 measurements in
the shapes integrations and the fuzzer ask for, and the lists of indicators,
GBO projects and organisations, each at 32 connections as a reader.

Three measurement shapes and the other three lists also run their own
statement (`bench/sql/measurements_*.sql`, `indicators_page.sql`,
`gbo_projects_page.sql`, `organisations_region.sql`: the text the server
prepares, kept equal to it by unit tests) with `pgbench -M prepared` and the
same parameters, just before the pages, as the database's limit for that work.

Called by bench/run.py with its helpers; returns the figures, the lines for
RESULTS.md and the targets checked.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32
SAMPLE = 200  # indicators drawn for the one-indicator pages
REGIONS = ["antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"]
M = "/api/v1/measurements?pageSize=50"


def bound(name, names):
    """A statement of bench/sql with pgbench variables for its parameters."""
    text = (ROOT / "bench" / "sql" / name).read_text().strip()
    for i in range(len(names), 0, -1):  # $10 before $1
        text = text.replace(f"${i}", names[i - 1])
    return text + ";"


def pick(n, **values):
    """pgbench lines that set each variable to the same entry, at random, of its list."""
    count = len(next(iter(values.values())))
    chosen = ", ".join(f"(ARRAY[{', '.join(repr(v) for v in vs)}])[:{n}] AS {var}" for var, vs in values.items())
    return f"\\set {n} random(1, {count})\nSELECT {chosen} \\gset\n"


def pages(n):
    """pgbench lines that pick one of the first `n` pages of 50 at random."""
    return f"\\set p random(1, {n})\n\\set lim 50\n\\set off (:p - 1) * 50\n"


def shapes(psql):
    """(name, paths, pgbench script or None) of each list."""
    indicators = psql("ssw_bench", "-c", f"SELECT id FROM indicators ORDER BY random() LIMIT {SAMPLE}").split()
    page = "\\set lim 50\n\\set off 0\n"
    return [
        ("measurements: all, newest period first", [f"{M}&sort=-period"],
         page + bound("measurements_all.sql", [":lim", ":off"])),
        ("measurements: one indicator", [f"{M}&indicator={i}" for i in indicators],
         page + pick("i", ind=indicators)
         + bound("measurements_indicator.sql", [":ind", ":ind", ":lim", ":off"])),
        ("measurements: one region", [f"{M}&region={r}" for r in REGIONS],
         page + pick("r", regs=["{" + r + "}" for r in REGIONS], reg=REGIONS)
         + bound("measurements_region.sql", [":regs", ":regs", ":reg", ":lim", ":off"])),
        ("measurements: all, page 100", [f"{M}&page=100"], None),
        ("measurements: one indicator from 2023, counted", [f"{M}&indicator={i}&periodFrom=2023-01-01"
                                                            for i in indicators], None),
        ("indicators", [f"/api/v1/indicators?pageSize=50&page={n}" for n in range(1, 41)],
         pages(40) + bound("indicators_page.sql", [":lim", ":off"])),
        ("GBO projects", [f"/api/v1/gboProjects?pageSize=50&page={n}" for n in range(1, 7)],
         pages(6) + bound("gbo_projects_page.sql", [":lim", ":off"])),
        ("organisations of one region", [f"/api/v1/organisations?pageSize=50&region={r}" for r in REGIONS],
         page + pick("r", reg=REGIONS) + bound("organisations_region.sql", [":reg", ":reg", ":lim", ":off"])),
    ]


def scenarios(server, wrk, script_pgbench, psql, work, env):
    figures = []
    for n, (name, paths, script) in enumerate(shapes(psql)):
        listed = work / f"list-{n}.txt"
        listed.write_text("".join(p + "\n" for p in paths))
        wrk("list", CONNECTIONS, [str(listed)], env, seconds=3)  # warm-up: every pooled connection
        limits = []
        if script:
            path = work / f"list-{n}.sql"
            path.write_text(script)
            limits.append(script_pgbench(path, CONNECTIONS))
        server.reset_window()
        r = wrk("list", CONNECTIONS, [str(listed)], env)
        rss_mb = server.window_peak / 1024
        if script:  # again after it: the machine's speed drifts, the mean of both is the limit
            limits.append(script_pgbench(path, CONNECTIONS))
        limit = sum(limits) / len(limits) if limits else None
        r.update(name=name, limit=limit, limits=limits, rss_mb=rss_mb)
        figures.append(r)
        print(f"list {name}: {r['rps']:,.0f} pages/s, p50 {r['p50_us'] / 1000:.1f} ms, p99 "
              f"{r['p99_us'] / 1000:.1f} ms, errors {r['errors']}"
              + (f"; its own statement with pgbench {limit:,.0f}/s" if limit else ""), flush=True)
    return figures


def checks(figures):
    """The targets: (label, met, figure)."""
    out = []
    for r in figures:
        if r["limit"]:
            out.append((f"{r['name']} ≥ 0.5 × pgbench of its own statement ({CONNECTIONS} connections)",
                        r["rps"] >= 0.5 * r["limit"], f"{r['rps'] / r['limit']:.2f}× of {r['limit']:,.0f}"))
        out.append((f"{r['name']}: zero errors, p99 < 200 ms ({CONNECTIONS} connections)",
                    r["errors"] == 0 and r["p99_us"] < 200_000, f"{r['errors']} errors, p99 {r['p99_us'] / 1000:.1f} ms"))
    return out


def row(r):
    own = f"{r['limit']:,.0f}" if r["limit"] else "—"
    return (f"| {r['name']} | {r['rps']:,.0f} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} | "
            f"{r['errors']} | {r['rss_mb']:.0f} | {own} |")


def text(figures):
    rows = "\n".join(row(r) for r in figures)
    spread = "; ".join(f"{r['name']} {' and '.join(f'{x:,.0f}' for x in r['limits'])}"
                       for r in figures if r["limits"])
    return f"""The other lists (issue 15), pages of 50 at {CONNECTIONS} connections as a reader, each request one
of its paths at random (one of {SAMPLE} indicators, one of the six regions, one of the pages of
indicators and GBO projects). A measurement page's `total` comes from the kept counts when its
filters are on indicator and place, and is counted otherwise (the row ending in "counted"). The
last column is the page's own statement (`bench/sql/measurements_*.sql`, `indicators_page.sql`,
`gbo_projects_page.sql`, `organisations_region.sql`) run by `pgbench -M prepared` with the same
parameters just before and just after it (the mean of the two; each is in the line below the
table), in sessions without JIT as the service's are.

| list | pages/s | p50 ms | p99 ms | errors | server RSS MB | own statement, pgbench |
|---|---|---|---|---|---|---|
{rows}

The own statements before and after each list, per second: {spread}.
"""
