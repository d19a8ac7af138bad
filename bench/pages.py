"""The filtered page of 50 initiatives read afresh (issue 15): on a server
that keeps no page (`SSW_PAGE_CACHE_MB=0`), so that every page is read from
the database, beside the page's own statements run by pgbench just before it
as the database's limit for that work.

The page's own statements (`bench/sql/page_*.sql`, the text the server
prepares; a unit test keeps them equal), as pgbench runs them: each
transaction takes a region and a filter of `bench/wrk/page.lua` at random (one
small SELECT that names them), then runs the page's statement with them as
bind parameters.

Called by bench/run.py with its helpers.
"""

import lists

NAME = "filtered page of 50, read afresh"
REGIONS = ["antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"]
STATUSES = ["{inProgress}", "{inProgress,delayed}", "{completed}"]


def script(work):
    """The pgbench script of the page's own statements, written into `work`."""
    regions = ", ".join(f"'{r}'" for r in REGIONS)
    statuses = ", ".join(f"'{s}'" for s in STATUSES + ["{}"])
    text = f"""\\set r random(1, {len(REGIONS)})
\\set f random(1, {len(STATUSES) + 1})
\\set lim 50
\\set off 0
\\set pmin 20
\\set pmax 80
SELECT (ARRAY[{regions}])[:r] AS region, (ARRAY[{statuses}])[:f] AS statuses \\gset
\\if :f <= {len(STATUSES)}
{lists.bound("page_status.sql", [":region", ":statuses", ":lim", ":off", ":region", ":statuses"])}
\\else
{lists.bound("page_progress.sql", [":region", ":pmin", ":pmax", ":lim", ":off", ":region", ":pmin", ":pmax"])}
\\endif
"""
    path = work / "page.sql"
    path.write_text(text)
    return path


def afresh(server, login, wrk, script_pgbench, work, connections, limits):
    """The page at each number of connections on `server` (one that keeps no
    page), each run just after its own statements with pgbench."""
    rows = []
    try:
        env = {"SSW_BENCH_TOKEN": login("reader-1@bench.example.org")}
        wrk("page", max(connections), [], env, seconds=5)  # its pool grown
        for c in connections:
            page_limit = script_pgbench(script(work), c)
            print(f"limit: the filtered page's own statements with pgbench, {c} clients: "
                  f"{page_limit:,.0f} tps", flush=True)
            server.reset_window()
            r = wrk("page", c, [], env)
            r.update(name=NAME, connections=c, rss_mb=server.window_peak / 1024,
                     limit=limits[c]["rps"], page_limit=page_limit)
            rows.append(r)
            yield r
    finally:
        server.stop()
