-- wrk script: each request asks for a random generated project, so the cache sees the whole index.
-- Usage: wrk ... -s random-project.lua URL -- PROJECTS PATH_TEMPLATE [ACCEPT]
-- PATH_TEMPLATE has %s for the project name, e.g. /simple/%s/ or /pypi/%s/json
-- The environment variable ACCEPT_ENCODING, when set and not empty, is sent as Accept-Encoding.
local projects, template, accept = 1000, "/simple/%s/", nil
-- Basic credentials for a private index ("__token__:TOKEN"), from the environment.
local auth = os.getenv("CHEESESHOP_BENCH_AUTH")
local encoding = os.getenv("ACCEPT_ENCODING")

function init(args)
  projects = tonumber(args[1] or projects)
  template = args[2] or template
  accept = args[3]
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  local name = string.format("bench-project-%06d", math.random(0, projects - 1))
  local headers = {}
  if accept then headers["Accept"] = accept end
  if auth and auth ~= "" then headers["Authorization"] = "Basic " .. auth end
  if encoding and encoding ~= "" then headers["Accept-Encoding"] = encoding end
  return wrk.format("GET", string.format(template, name), headers)
end

-- p99 in a line the runner can grep.
function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
