// Bundle suppliers. A null (unknown) value keeps what the graph has; sme defaults to false on creation.
UNWIND $rows AS row
MERGE (n:Supplier {id: row.id})
WITH n, row, properties(n) AS before, n.source IS NULL AS created
SET n.name = row.name,
    n.sme = coalesce(row.sme, n.sme, false),
    n.companyNumber = coalesce(row.companyNumber, n.companyNumber)
WITH n, created, before <> properties(n) AS changed
CALL (n, created, changed) {
  WITH n WHERE created OR changed
  SET n.source = $source, n.updatedAt = datetime()
}
RETURN CASE WHEN created THEN 'created' WHEN changed THEN 'updated' ELSE 'unchanged' END AS status, count(*) AS count
