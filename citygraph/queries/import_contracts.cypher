// Bundle contracts: properties, exactly one AWARDED (from the borough) and one WITH (the supplier), and
// the COVERS set replaced by row.systemIds when that is given. row.stamp is the row's own source or the
// bundle's; row.source is the row's own source only, a property like any other.
UNWIND $rows AS row
MERGE (c:Contract {id: row.id})
WITH c, row, properties(c) AS before, c.source IS NULL AS created
SET c.title = row.title,
    c.valueGbp = coalesce(row.valueGbp, c.valueGbp),
    c.startDate = coalesce(row.startDate, c.startDate),
    c.endDate = coalesce(row.endDate, c.endDate),
    c.maxExtensionDate = coalesce(row.maxExtensionDate, c.maxExtensionDate),
    c.source = coalesce(row.source, c.source)
WITH c, row, created, before <> properties(c) AS changed
CALL (c, row, created, changed) {
  WITH c, row WHERE created OR changed
  SET c.source = row.stamp, c.updatedAt = datetime()
}
CALL (c, row) {
  MATCH (b:Borough {code: row.boroughCode})
  WITH c, b, row, EXISTS { (b)-[:AWARDED]->(c) } AS had
  OPTIONAL MATCH (other)-[old:AWARDED]->(c) WHERE other <> b
  WITH c, b, row, had, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (b)-[r:AWARDED]->(c)
    ON CREATE SET r.source = row.stamp, r.updatedAt = datetime()
  RETURN NOT had OR size(stale) > 0 AS awardedChanged
}
CALL (c, row) {
  MATCH (s:Supplier {id: row.supplierId})
  WITH c, s, row, EXISTS { (c)-[:WITH]->(s) } AS had
  OPTIONAL MATCH (c)-[old:WITH]->(other) WHERE other <> s
  WITH c, s, row, had, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  MERGE (c)-[r:WITH]->(s)
    ON CREATE SET r.source = row.stamp, r.updatedAt = datetime()
  RETURN NOT had OR size(stale) > 0 AS withChanged
}
CALL (c, row) {
  WITH c, row WHERE row.systemIds IS NOT NULL
  OPTIONAL MATCH (c)-[old:COVERS]->(s:System) WHERE NOT s.id IN row.systemIds
  WITH c, row, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  WITH c, row, size(stale) AS removed
  UNWIND row.systemIds AS systemId
  MATCH (s:System {id: systemId})
  WITH c, row, s, removed, EXISTS { (c)-[:COVERS]->(s) } AS had
  MERGE (c)-[r:COVERS]->(s)
    ON CREATE SET r.source = row.stamp, r.updatedAt = datetime()
  // Aggregating without grouping keys returns one row even when systemIds was null: the contract stays.
  RETURN coalesce(max(removed), 0) > 0 OR count(CASE WHEN NOT had THEN 1 END) > 0 AS coversChanged
}
RETURN CASE WHEN created THEN 'created'
            WHEN changed OR awardedChanged OR withChanged OR coversChanged THEN 'updated'
            ELSE 'unchanged' END AS status,
       count(*) AS count
