-- Alertmanager webhook v4, one firing alert with a new fingerprint per request. GROUPED=1 keeps
-- one alertname, so the alerts join one incident (default rule: by alertname, 5 minutes);
-- otherwise every alertname is new and each alert opens an incident.
local counter = 0
local prefix = tostring(os.time()) .. tostring(math.random(1, 1e6))
local grouped = os.getenv("GROUPED") == "1"
request = function()
  counter = counter + 1
  local fp = prefix .. "-" .. counter
  local name = grouped and "HighErrorRate" or ("HighErrorRate" .. fp)
  local body = '{"receiver":"regen","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"' .. name .. '","instance":"api-1:8080","job":"api","severity":"critical"},"annotations":{"summary":"Error rate above 5% on api-1","description":"5xx responses are 7.3% of requests over the last 5 minutes."},"startsAt":"2024-01-15T10:30:00.123456789Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"' .. fp .. '"}],"groupLabels":{"alertname":"' .. name .. '"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"' .. name .. '\\"}","truncatedAlerts":0}'
  return wrk.format("POST", "/api/v1/webhooks/prometheus", {["Content-Type"]="application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("errors: connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
