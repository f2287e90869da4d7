UNWIND $keys AS key
MATCH (b:Borough)-[:USES]->(:System {id: key})
RETURN key, b {.code, .name, .region} AS item
ORDER BY key, b.name, b.code
