UNWIND $keys AS key
MATCH (:Borough {code: key})-[:MEMBER_OF]->(p:Partnership)
WITH key, p {.name} AS item
ORDER BY key, p.name
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
