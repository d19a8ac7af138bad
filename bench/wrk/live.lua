-- GET /health/live: no authentication, no database. What the HTTP stack alone
-- serves on this machine, the ceiling of every other scenario.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

function request()
  return wrk.format("GET", "/health/live")
end

function done(summary, latency, requests)
  report(summary, latency)
end
