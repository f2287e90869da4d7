// Bundle system uses: one USES relationship per (borough, system). Null keeps what the graph has;
// hosting defaults to UNKNOWN on creation.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (s:System {id: row.systemId})
MERGE (b)-[u:USES]->(s)
WITH u, row, properties(u) AS before, u.source IS NULL AS created
SET u.since = coalesce(row.since, u.since),
    u.hosting = coalesce(row.hosting, u.hosting, 'UNKNOWN'),
    u.satisfaction = coalesce(row.satisfaction, u.satisfaction),
    u.users = coalesce(row.users, u.users)
WITH u, created, before <> properties(u) AS changed
CALL (u, created, changed) {
  WITH u WHERE created OR changed
  SET u.source = $source, u.updatedAt = datetime()
}
RETURN CASE WHEN created THEN 'created' WHEN changed THEN 'updated' ELSE 'unchanged' END AS status, count(*) AS count
