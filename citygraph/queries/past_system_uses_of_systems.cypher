// Boroughs that used each system before and no longer use it: USED {until} (graph/planning.py), by name.
UNWIND $keys AS key
MATCH (b:Borough)-[u:USED]->(s:System {id: key})
WITH key, {boroughCode: b.code, systemId: s.id, since: u.since, hosting: coalesce(u.hosting, 'UNKNOWN'),
             firstSeen: u.firstSeen, lastSeen: u.lastSeen, until: u.until, evidenceUrl: u.evidenceUrl,
             provenance: u {.source, .method, .confidence, .updatedAt}} AS item
ORDER BY key, b.name, b.code
RETURN key, collect(item) AS items
