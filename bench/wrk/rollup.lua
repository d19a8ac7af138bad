-- The plan's progress roll-up (initiative → action → challenge → plan, per region).
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local plan = os.getenv("SSW_BENCH_PLAN")

function request()
  return wrk.format("GET", "/api/v1/plans/" .. plan .. "/progress", {
    ["Authorization"] = "Bearer " .. token,
  })
end

function done(summary, latency, requests)
  report(summary, latency)
end
