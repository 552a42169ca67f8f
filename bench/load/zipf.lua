-- wrk script: each request asks for a generated project drawn from a Zipf distribution (rank k asked for
-- in proportion to 1/k^S), as on PyPI where a few projects get most requests. Ranks are spread over the
-- index by a fixed permutation, so the popular projects are not the first ones generated.
-- Usage: wrk ... -s zipf.lua URL -- PROJECTS PATH_TEMPLATE [ACCEPT]
-- PATH_TEMPLATE has %s for the project name; without one (the bare endpoint's fixed page) the name is drawn
-- all the same and not used, so a baseline costs wrk as much per request as the server it is compared with.
-- Environment: ZIPF_S (exponent, default 1.0; 0 gives a uniform load), ACCEPT_ENCODING.
local projects, template, accept = 1000, "/simple/%s/", nil
local cdf = {}
local s = tonumber(os.getenv("ZIPF_S") or "1.0")
local encoding = os.getenv("ACCEPT_ENCODING")

function init(args)
  projects = tonumber(args[1] or projects)
  template = args[2] or template
  accept = args[3]
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  local total = 0
  for k = 1, projects do
    total = total + 1 / k ^ s
    cdf[k] = total
  end
  for k = 1, projects do cdf[k] = cdf[k] / total end
end

local function rank()
  local u, lo, hi = math.random(), 1, projects
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo - 1
end

function request()
  -- 7919 is prime and does not divide the generated sizes, so rank -> project is a permutation.
  local name = string.format("bench-project-%06d", (rank() * 7919) % projects)
  local headers = {}
  if accept then headers["Accept"] = accept end
  if encoding and encoding ~= "" then headers["Accept-Encoding"] = encoding end
  return wrk.format("GET", string.format(template, name), headers)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
