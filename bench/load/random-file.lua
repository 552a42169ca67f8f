-- wrk script: GETs a random file from a list, as pip would (pip's JSON User-Agent).
-- Usage: wrk ... -s random-file.lua URL -- URL_LIST_FILE
local urls = {}
local agent = 'pip/24.0 {"ci":null,"cpu":"x86_64","distro":{"id":"jammy","libc":{"lib":"glibc","version":"2.35"},"name":"Ubuntu","version":"22.04"},"implementation":{"name":"CPython","version":"3.12.1"},"installer":{"name":"pip","version":"24.0"},"openssl_version":"OpenSSL 3.0.2 15 Mar 2022","python":"3.12.1","setuptools_version":"69.0.3","system":{"name":"Linux","release":"6.5.0-1016-azure"}}'

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then urls[#urls + 1] = line end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  return wrk.format("GET", urls[math.random(1, #urls)], { ["User-Agent"] = agent })
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
