-- A filtered, sorted page of 50 initiatives: one region, one or two statuses,
-- newest first.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local regions = { "antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel" }
local filters = { "status=inProgress", "status=inProgress&status=delayed", "status=completed", "progressMin=20&progressMax=80" }

function request()
  local path = "/api/v1/initiatives?region=" .. regions[math.random(#regions)] .. "&"
    .. filters[math.random(#filters)] .. "&sort=-updatedAt&pageSize=50"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  report(summary, latency)
end
