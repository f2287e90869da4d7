// Planning-system suppliers (reference data, graph/planning.py) with their provenance. sme is left as an
// earlier source (enrich-companies, a bundle) set it. updatedAt moves only when something changed.
UNWIND $rows AS row
MERGE (n:Supplier {id: row.id})
WITH n, row, properties(n) AS before
SET n.name = row.name,
    n.sme = coalesce(n.sme, false),
    n.source = $source,
    n.method = row.method,
    n.confidence = row.confidence
WITH n, before
CALL (n, before) {
  WITH n WHERE before <> properties(n) OR n.updatedAt IS NULL
  SET n.updatedAt = datetime()
}
