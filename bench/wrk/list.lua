-- A list page: each request one of the paths in the file given (one per
-- line, query string included), at random.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  report(summary, latency)
end
