-- Logins (argon2id) of the benchmark users, in turn.
package.path = package.path .. ";bench/wrk/?.lua"
require "common"

local roles = { "admin", "steering", "coordinator", "contributor", "reader" }
local n = 0
local password = os.getenv("SSW_BENCH_PASSWORD")

function request()
  n = n + 1
  local email = roles[n % 5 + 1] .. "-" .. (n % 50 + 1) .. "@bench.example.org"
  return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
    '{"email":"' .. email .. '","password":"' .. password .. '"}')
end

function done(summary, latency, requests)
  report(summary, latency)
end
