-- 90 % GET by id, 10 % PATCH with If-Match. Each thread writes its own slice
-- of initiatives in turn and learns their versions from the answers, so a 412
-- means a real conflict, not a guess.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  load_ids(args[1])
  local run, slice = tonumber(args[2]), 1000
  mine, versions, next_write, conflicts, writes = {}, {}, 0, 0, 0
  unexpected = ""
  local first = (run * 2 + tid) * slice
  for i = 1, slice do
    mine[i] = ids[(first + i - 1) % #ids + 1]
  end
  math.randomseed(os.time() + tid * 7919 + run)
end

function request()
  counter = counter + 1
  if counter % 10 == 0 then
    next_write = next_write % #mine + 1
    local id = mine[next_write]
    writes = writes + 1
    return wrk.format("PATCH", "/api/v1/initiatives/" .. id, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/merge-patch+json",
      ["If-Match"] = '"' .. (versions[id] or 1) .. '"',
    }, '{"title":"Voorbeeld: bijgewerkt ' .. counter .. '"}')
  end
  return wrk.format("GET", "/api/v1/initiatives/" .. ids[math.random(#ids)], {
    ["Authorization"] = "Bearer " .. token,
  })
end

function response(status, headers, body)
  if status == 412 then
    conflicts = conflicts + 1
    return
  end
  if status >= 400 and #unexpected < 200 then
    unexpected = unexpected .. status .. " " .. (body:match('"issues":%[(.-)%]') or body:sub(1, 80)) .. "; "
  end
  local id = body:match('"id":"([%x%-]+)"')
  local version = body:match('"version":(%d+)')
  if id and version then
    versions[id] = tonumber(version)
  end
end

function done(summary, latency, requests)
  local total_conflicts, total_writes, seen = 0, 0, ""
  for _, t in ipairs(threads) do
    total_conflicts = total_conflicts + t:get("conflicts")
    total_writes = total_writes + t:get("writes")
    seen = seen .. t:get("unexpected")
  end
  seen = seen:gsub('[\\"]', "")
  report(summary, latency, string.format(',"conflicts":%d,"writes":%d,"unexpected":"%s"',
    total_conflicts, total_writes, seen))
end
