UNWIND $keys AS key
MATCH (b:Borough)-[:USES]->(:System {id: key})
WITH key, b {.code, .name, .region} AS item
ORDER BY key, b.name, b.code
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
