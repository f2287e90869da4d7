// Planning systems (reference data, graph/planning.py) with their provenance, each IN_AREA the planning
// service area and MADE_BY exactly one supplier (written before this); MADE_BY takes the supplier's
// method and confidence, since it is the same inference. updatedAt moves only when something changed.
MERGE (a:ServiceArea {name: $area.name})
  ON CREATE SET a.kind = $area.kind, a.source = $source, a.method = $area.method, a.confidence = $area.confidence,
                a.updatedAt = datetime()
WITH a
UNWIND $rows AS row
MERGE (s:System {id: row.id})
WITH a, s, row, properties(s) AS before
SET s.name = row.name,
    s.source = $source,
    s.method = row.method,
    s.confidence = row.confidence
WITH a, s, row, before
CALL (s, before) {
  WITH s WHERE before <> properties(s) OR s.updatedAt IS NULL
  SET s.updatedAt = datetime()
}
CALL (s, a) {
  OPTIONAL MATCH (s)-[old:IN_AREA]->(other) WHERE other <> a
  WITH s, a, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (s)-[r:IN_AREA]->(a)
    ON CREATE SET r.source = $source, r.method = $area.method, r.confidence = $area.confidence, r.updatedAt = datetime()
}
CALL (s, row) {
  MATCH (m:Supplier {id: row.manufacturerId})
  OPTIONAL MATCH (s)-[old:MADE_BY]->(other) WHERE other <> m
  WITH s, m, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (s)-[r:MADE_BY]->(m)
  WITH r, m, properties(r) AS before
  SET r.source = $source, r.method = m.method, r.confidence = m.confidence
  WITH r, before WHERE before <> properties(r) OR r.updatedAt IS NULL
  SET r.updatedAt = datetime()
}
