// Systems each borough used before and no longer uses: USED {until} (graph/planning.py), by system name.
UNWIND $keys AS key
MATCH (b:Borough {code: key})-[u:USED]->(s:System)
WITH key, {boroughCode: b.code, systemId: s.id, since: u.since, hosting: coalesce(u.hosting, 'UNKNOWN'),
             firstSeen: u.firstSeen, lastSeen: u.lastSeen, until: u.until, evidenceUrl: u.evidenceUrl,
             provenance: u {.source, .method, .confidence, .updatedAt}} AS item
ORDER BY key, s.name, s.id
RETURN key, collect(item) AS items
