-- wrk script: asks for every generated project once, in order, so that every page is rendered
-- before a measurement. Usage: wrk ... -s warm-all.lua URL -- PROJECTS PATH_TEMPLATE [ACCEPT]
local projects, template, accept, next_index = 1000, "/simple/%s/", nil, 0

function init(args)
  projects = tonumber(args[1] or projects)
  template = args[2] or template
  accept = args[3]
end

function request()
  local name = string.format("bench-project-%06d", next_index % projects)
  next_index = next_index + 1
  local headers = {}
  if accept then headers["Accept"] = accept end
  return wrk.format("GET", string.format(template, name), headers)
end
