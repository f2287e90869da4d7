// upsertContract: the contract's properties (null keeps, $clear removes), exactly one AWARDED (from the
// borough) and one WITH (the supplier), and the COVERS set replaced by $systemIds when given (emptied when
// 'systemIds' is in $clear). The same rules as a bundle's contracts.csv (import_contracts.cypher).
MERGE (c:Contract {id: $id})
SET c.title = $title,
    c.valueGbp = CASE WHEN 'valueGbp' IN $clear THEN null ELSE coalesce($valueGbp, c.valueGbp) END,
    c.startDate = CASE WHEN 'startDate' IN $clear THEN null ELSE coalesce($startDate, c.startDate) END,
    c.endDate = CASE WHEN 'endDate' IN $clear THEN null ELSE coalesce($endDate, c.endDate) END,
    c.maxExtensionDate = CASE WHEN 'maxExtensionDate' IN $clear THEN null
                              ELSE coalesce($maxExtensionDate, c.maxExtensionDate) END
WITH c
CALL (c) {
  MATCH (b:Borough {code: $boroughCode})
  OPTIONAL MATCH (other)-[old:AWARDED]->(c) WHERE other <> b
  WITH c, b, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (b)-[r:AWARDED]->(c)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
}
CALL (c) {
  MATCH (x:Supplier {id: $supplierId})
  OPTIONAL MATCH (c)-[old:WITH]->(other) WHERE other <> x
  WITH c, x, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (c)-[r:WITH]->(x)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
}
CALL (c) {
  WITH c WHERE $systemIds IS NOT NULL OR 'systemIds' IN $clear
  OPTIONAL MATCH (c)-[old:COVERS]->(s:System) WHERE NOT s.id IN coalesce($systemIds, [])
  WITH c, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  WITH c
  UNWIND coalesce($systemIds, []) AS systemId
  MATCH (s:System {id: systemId})
  MERGE (c)-[r:COVERS]->(s)
    ON CREATE SET r.source = $source, r.updatedAt = datetime()
}
