-- GET one initiative by id, ids drawn at random.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

function init(args)
  load_ids(args[1])
  math.randomseed(os.time() + (tonumber(args[2]) or 0))
end

function request()
  return wrk.format("GET", "/api/v1/initiatives/" .. ids[math.random(#ids)], {
    ["Authorization"] = "Bearer " .. token,
  })
end

function done(summary, latency, requests)
  report(summary, latency)
end
