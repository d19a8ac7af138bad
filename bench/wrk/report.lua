-- GET one report: its path and query in SSW_BENCH_PATH (the driver fills in
-- the plan), accepting gzip as browsers and HTTP libraries do unless
-- SSW_BENCH_IDENTITY is set. Refusals are collected so that a failing report
-- says why. SSW_BENCH_PAUSE_MS makes each connection pause between requests
-- (a steady load instead of as many requests as the machine takes).
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local path = os.getenv("SSW_BENCH_PATH")
local identity = os.getenv("SSW_BENCH_IDENTITY")
local pause_ms = tonumber(os.getenv("SSW_BENCH_PAUSE_MS") or "0")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = ""
end

if pause_ms > 0 then
  function delay()
    return pause_ms
  end
end

function request()
  local headers = { ["Authorization"] = "Bearer " .. token }
  if not identity or identity == "" then
    headers["Accept-Encoding"] = "gzip"
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status >= 400 and #unexpected < 200 then
    unexpected = unexpected .. status .. " " .. (body:match('"detail":"(.-)"') or ""):sub(1, 80) .. "; "
  end
end

function done(summary, latency, requests)
  local seen = ""
  for _, t in ipairs(threads) do
    seen = seen .. t:get("unexpected")
  end
  seen = seen:gsub('[\\"]', "")
  report(summary, latency, string.format(',"p95_us":%d,"unexpected":"%s"', latency:percentile(95), seen))
end
