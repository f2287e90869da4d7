MATCH (b:Borough)
WHERE $region IS NULL OR b.region = $region
RETURN b {.code, .name, .region} AS item
ORDER BY b.name, b.code
