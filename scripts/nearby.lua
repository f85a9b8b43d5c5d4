-- wrk script: GET /api/v1/options/nearby around the centres of ten large
-- Dutch cities, with jitter, radii of 1-15 km and one help type each, so
-- the server cannot answer from one hot cell.
local cities = {
  {52.3731, 4.8924}, {51.9244, 4.4777}, {52.0907, 5.1214}, {52.0705, 4.3007}, {51.4416, 5.4697},
  {53.2194, 6.5665}, {51.5719, 4.7683}, {52.2215, 6.8937}, {51.8126, 5.8372}, {52.1561, 5.3878},
}
local types = {"groceries", "companionship", "transport", "odd_jobs", "garden", "meals", "digital_help", "meeting_place"}
math.randomseed(42)
request = function()
  local c = cities[math.random(#cities)]
  local lat = c[1] + (math.random() - 0.5) * 0.05
  local lon = c[2] + (math.random() - 0.5) * 0.08
  local path = string.format("/api/v1/options/nearby?lat=%.5f&lon=%.5f&radius_m=%d&help_type=%s&limit=20",
    lat, lon, math.random(1000, 15000), types[math.random(#types)])
  return wrk.format("GET", path)
end
