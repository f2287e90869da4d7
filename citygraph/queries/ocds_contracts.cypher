// One Contract per OCDS award, AWARDED by its council (row.boroughCode) or other Buyer (row.buyerId),
// WITH its suppliers (written before this). Relationships this ocid wrote earlier that the current data no
// longer has (another buyer, a dropped supplier) are removed. updatedAt moves only when something changed.
UNWIND $rows AS row
MERGE (c:Contract {id: row.id})
WITH c, row, properties(c) AS before
SET c.title = row.title,
    c.valueGbp = row.valueGbp,
    c.startDate = row.startDate,
    c.endDate = row.endDate,
    c.cpvCodes = row.cpvCodes,
    c.source = row.source
WITH c, row, before
CALL (c, before) {
  WITH c WHERE before <> properties(c) OR c.updatedAt IS NULL
  SET c.updatedAt = datetime()
}
WITH c, row
OPTIONAL MATCH (borough:Borough {code: row.boroughCode})
OPTIONAL MATCH (buyer:Buyer {id: row.buyerId})
WITH c, row, coalesce(borough, buyer) AS awarder
WHERE awarder IS NOT NULL
CALL (c, row, awarder) {
  MATCH (other)-[old:AWARDED]->(c)
  WHERE old.source = row.source AND other <> awarder
  DELETE old
}
MERGE (awarder)-[a:AWARDED]->(c)
  ON CREATE SET a.source = row.source, a.updatedAt = datetime()
WITH c, row
CALL (c, row) {
  MATCH (c)-[old:WITH]->(s:Supplier)
  WHERE old.source = row.source AND NOT s.id IN row.supplierIds
  DELETE old
}
CALL (c, row) {
  UNWIND row.supplierIds AS supplierId
  MATCH (s:Supplier {id: supplierId})
  MERGE (c)-[w:WITH]->(s)
    ON CREATE SET w.source = row.source, w.updatedAt = datetime()
}
