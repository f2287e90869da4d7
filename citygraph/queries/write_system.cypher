// upsertSystem: its name, and exactly one MADE_BY and one IN_AREA (a new one replaces the old), as a
// bundle's systems.csv (import_systems.cypher).
MERGE (s:System {id: $id})
SET s.name = $name
WITH s
CALL (s) {
  MATCH (m:Supplier {id: $manufacturerId})
  OPTIONAL MATCH (s)-[old:MADE_BY]->(other) WHERE other <> m
  WITH s, m, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (s)-[r:MADE_BY]->(m)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
}
CALL (s) {
  MATCH (a:ServiceArea {name: $serviceArea})
  OPTIONAL MATCH (s)-[old:IN_AREA]->(other) WHERE other <> a
  WITH s, a, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (s)-[r:IN_AREA]->(a)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
}
