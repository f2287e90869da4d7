UNWIND $keys AS key
MATCH (b:Borough {code: key})-[u:USES]->(s:System)
WITH key, {boroughCode: b.code, systemId: s.id, since: u.since, hosting: u.hosting,
             satisfaction: u.satisfaction, users: u.users, firstSeen: u.firstSeen, lastSeen: u.lastSeen,
             evidenceUrl: u.evidenceUrl, provenance: u {.source, .method, .confidence, .updatedAt}} AS item
ORDER BY key, s.name, s.id
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
