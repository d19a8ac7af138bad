-- Practice search: each request one of the query strings in the file given
-- (one per line), at random.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local queries = {}

function init(args)
  for line in io.lines(args[1]) do
    queries[#queries + 1] = line
  end
end

function request()
  local path = "/api/v1/practices?" .. queries[math.random(#queries)]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  report(summary, latency)
end
