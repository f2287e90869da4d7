// Bundle service areas. source/updatedAt change only when a property did (see docs/importing.md).
UNWIND $rows AS row
MERGE (n:ServiceArea {name: row.name})
WITH n, row, properties(n) AS before, n.source IS NULL AS created
SET n.kind = row.kind
WITH n, created, before <> properties(n) AS changed
CALL (n, created, changed) {
  WITH n WHERE created OR changed
  SET n.source = $source, n.updatedAt = datetime()
}
RETURN CASE WHEN created THEN 'created' WHEN changed THEN 'updated' ELSE 'unchanged' END AS status, count(*) AS count
