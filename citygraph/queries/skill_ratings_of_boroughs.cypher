UNWIND $keys AS key
MATCH (b:Borough {code: key})-[r:HAS_SKILL]->(k:Skill)
WITH key, {boroughCode: b.code, skillName: k.name, level: r.level} AS item
ORDER BY key, k.name
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
