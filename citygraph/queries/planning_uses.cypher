// Current planning-system uses (reference data, graph/planning.py): USES with the dates the sources saw
// it (firstSeen, lastSeen), the portal URL it was inferred from and its provenance. `since` stays as it
// was: no source says when a council started on its platform. A use this source wrote earlier that the
// data no longer has is removed. updatedAt moves only when something changed.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (s:System {id: row.systemId})
MERGE (b)-[u:USES]->(s)
WITH u, row, properties(u) AS before
SET u.hosting = coalesce(u.hosting, 'UNKNOWN'),
    u.firstSeen = row.firstSeen,
    u.lastSeen = row.lastSeen,
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
MATCH (b:Borough)-[u:USES {source: $source}]->(s:System)
WHERE NOT b.code + '|' + s.id IN keep
DELETE u
