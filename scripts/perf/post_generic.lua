-- A generic alert with a new external_id and no alertname per request: each opens an incident
-- (alert, incident, link, 2 timeline and 2 outbox rows).
local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local body = '{"title":"bench","external_id":"g-' .. prefix .. '-' .. counter .. '"}'
  return wrk.format("POST", "/api/v1/webhooks/generic", {["Content-Type"]="application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("errors: connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
