-- Shared by the scenarios: the bearer token, the ids, and a result line the
-- driver (bench/run.py) parses.
token = os.getenv("SSW_BENCH_TOKEN")
ids = {}

function load_ids(path)
  for line in io.lines(path) do
    ids[#ids + 1] = line
  end
end

function report(summary, latency, extra)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d%s}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, extra or ""))
end
