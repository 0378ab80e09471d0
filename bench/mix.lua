-- wrk script of `make bench` (bench/load.py): a realistic mix of reads by one signed-in officer.
-- Arguments after `--`: <api token> <session cookie "name=value"> <comma-separated seizure ids>.
--   50 % first list page, 15 % filtered list page, 25 % seizure detail, 10 % dashboard page.
local token, cookie
local ids = {}

init = function(args)
  token = args[1]
  cookie = args[2]
  for id in string.gmatch(args[3] or "", "[^,]+") do
    table.insert(ids, id)
  end
end

request = function()
  local r = math.random(100)
  local headers = {}
  local path
  if r <= 50 then
    path = "/api/v1/seizures/"
  elseif r <= 65 then
    path = "/api/v1/seizures/?drug=methamphetamine&transport_mode=sea_container"
  elseif r <= 90 and #ids > 0 then
    path = "/api/v1/seizures/" .. ids[math.random(#ids)] .. "/"
  else
    path = "/"
  end
  if path == "/" then
    headers["Cookie"] = cookie
  else
    headers["Authorization"] = "Token " .. token
  end
  return wrk.format("GET", path, headers)
end

-- wrk counts answers >= 400 as status errors; load.py checks beforehand that every path answers 200.
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p95_us=%d p99_us=%d max_us=%d socket_errors=%d status_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
