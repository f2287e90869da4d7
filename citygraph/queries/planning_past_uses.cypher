// Past planning-system uses (reference data, graph/planning.py): a platform a council ran in 2020 and no
// longer runs in 2025 is USED {firstSeen, lastSeen, until}, not USES, so that USES keeps meaning "uses
// now". `until` is the first date a source saw the council on another platform. A past use this source
// wrote earlier that the data no longer has is removed. updatedAt moves only when something changed.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (s:System {id: row.systemId})
MERGE (b)-[u:USED]->(s)
WITH u, row, properties(u) AS before
SET u.firstSeen = row.firstSeen,
    u.lastSeen = row.lastSeen,
    u.until = row.until,
    u.evidenceUrl = row.evidenceUrl,
    u.source = $source,
    u.method = row.method,
    u.confidence = row.confidence
WITH u, before
CALL (u, before) {
  WITH u WHERE before <> properties(u) OR u.updatedAt IS NULL
  SET u.updatedAt = datetime()
}
WITH count(*) AS written
WITH [row IN $rows | row.boroughCode + '|' + row.systemId] AS keep
MATCH (b:Borough)-[u:USED {source: $source}]->(s:System)
WHERE NOT b.code + '|' + s.id IN keep
DELETE u
