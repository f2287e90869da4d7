UNWIND $keys AS key
MATCH (b:Borough)-[r:HAS_SKILL]->(k:Skill {name: key})
WITH key, {boroughCode: b.code, skillName: k.name, level: r.level} AS item
ORDER BY key, b.name, b.code
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
