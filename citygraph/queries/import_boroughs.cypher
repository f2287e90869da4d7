// Bundle boroughs. A given list of partnerships replaces the borough's memberships; null leaves them.
UNWIND $rows AS row
MERGE (b:Borough {code: row.code})
WITH b, row, properties(b) AS before, b.source IS NULL AS created
SET b.name = row.name, b.region = row.region
WITH b, row, created, before <> properties(b) AS changed
CALL (b, created, changed) {
  WITH b WHERE created OR changed
  SET b.source = $source, b.updatedAt = datetime()
}
CALL (b, row) {
  WITH b, row WHERE row.partnerships IS NOT NULL
  OPTIONAL MATCH (b)-[old:MEMBER_OF]->(p:Partnership) WHERE NOT p.name IN row.partnerships
  WITH b, row, collect(old) AS stale
  FOREACH (r IN stale | DELETE r)
  WITH b, row, size(stale) AS removed
  UNWIND row.partnerships AS partnershipName
  MERGE (p:Partnership {name: partnershipName})
    ON CREATE SET p.source = $source, p.updatedAt = datetime()
  WITH b, p, removed, EXISTS { (b)-[:MEMBER_OF]->(p) } AS had
  MERGE (b)-[m:MEMBER_OF]->(p)
    ON CREATE SET m.source = $source, m.updatedAt = datetime()
  // Aggregating without grouping keys returns one row even when the list was null: the borough stays.
  RETURN coalesce(max(removed), 0) > 0 OR count(CASE WHEN NOT had THEN 1 END) > 0 AS membershipChanged
}
RETURN CASE WHEN created THEN 'created' WHEN changed OR membershipChanged THEN 'updated' ELSE 'unchanged' END AS status,
       count(*) AS count
