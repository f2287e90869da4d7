// Bundle systems: properties, and exactly one MADE_BY and one IN_AREA (a new one replaces the old).
UNWIND $rows AS row
MERGE (s:System {id: row.id})
WITH s, row, properties(s) AS before, s.source IS NULL AS created
SET s.name = row.name
WITH s, row, created, before <> properties(s) AS changed
CALL (s, created, changed) {
  WITH s WHERE created OR changed
  SET s.source = $source, s.updatedAt = datetime()
}
CALL (s, row) {
  MATCH (m:Supplier {id: row.manufacturerId})
  WITH s, m, EXISTS { (s)-[:MADE_BY]->(m) } AS had
  OPTIONAL MATCH (s)-[old:MADE_BY]->(other) WHERE other <> m
  WITH s, m, had, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (s)-[r:MADE_BY]->(m)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
  RETURN NOT had OR size(stale) > 0 AS madeByChanged
}
CALL (s, row) {
  MATCH (a:ServiceArea {name: row.serviceArea})
  WITH s, a, EXISTS { (s)-[:IN_AREA]->(a) } AS had
  OPTIONAL MATCH (s)-[old:IN_AREA]->(other) WHERE other <> a
  WITH s, a, had, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (s)-[r:IN_AREA]->(a)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
  RETURN NOT had OR size(stale) > 0 AS inAreaChanged
}
RETURN CASE WHEN created THEN 'created'
            WHEN changed OR madeByChanged OR inAreaChanged THEN 'updated'
            ELSE 'unchanged' END AS status,
       count(*) AS count
