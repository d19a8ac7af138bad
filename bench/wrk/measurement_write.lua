-- POST a measurement at a low rate (one connection, a pause between writes),
-- each for a key of its own: count indicators per month of actions (args[1],
-- any place), months from January 2025 on that the data set leaves empty
-- (SSW_BENCH_MONTHS of them, all begun), and municipalities (args[2]). The
-- write's p95 is what counts.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local months = tonumber(os.getenv("SSW_BENCH_MONTHS"))
local pause_ms = tonumber(os.getenv("SSW_BENCH_WRITE_PAUSE_MS") or "20")
local threads = {}
local places = {}
-- SSW_BENCH_WRITE_OFFSET starts further on, so that a second run takes other keys.
local n = tonumber(os.getenv("SSW_BENCH_WRITE_OFFSET") or "0")

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  load_ids(args[1])
  for line in io.lines(args[2]) do
    places[#places + 1] = line
  end
  created, unexpected = 0, ""
end

function delay()
  return pause_ms
end

function request()
  local indicator = ids[n % #ids + 1]
  local m = math.floor(n / #ids) % months
  local place = places[math.floor(n / (#ids * months)) % #places + 1]
  n = n + 1
  local period = string.format("%04d-%02d", 2025 + math.floor(m / 12), m % 12 + 1)
  return wrk.format("POST", "/api/v1/indicators/" .. indicator .. "/measurements", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, '{"period":"' .. period .. '","place":{"type":"municipality","code":"' .. place
    .. '"},"value":' .. (n % 50) .. ',"note":"Voorbeeld: meting tijdens de benchmark"}')
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif #unexpected < 200 then
    unexpected = unexpected .. status .. " " .. (body:match('"detail":"(.-)"') or ""):sub(1, 80) .. "; "
  end
end

function done(summary, latency, requests)
  local total, seen = 0, ""
  for _, t in ipairs(threads) do
    total = total + t:get("created")
    seen = seen .. t:get("unexpected")
  end
  seen = seen:gsub('[\\"]', "")
  report(summary, latency, string.format(',"p95_us":%d,"created":%d,"unexpected":"%s"',
    latency:percentile(95), total, seen))
end
