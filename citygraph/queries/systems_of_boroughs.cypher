UNWIND $keys AS key
MATCH (:Borough {code: key})-[:USES]->(s:System)
WITH key, s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(a) | a {.name, .kind}]),
               manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])} AS item
ORDER BY key, s.name, s.id
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
