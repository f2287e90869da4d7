// Contracts of a council's contracts register (graph/register.py): AWARDED by the borough, WITH one
// supplier (a WITH to another supplier, from an earlier register, is removed: these contract ids are the
// registers' own). endDate is the current end
// date, maxExtensionDate the end date if every extension is taken: registers give them apart, and so
// are they kept. supplierMatch on WITH says how the supplier was first found (company number, name, new).
// updatedAt moves only when something changed.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MERGE (c:Contract {id: row.id})
WITH b, c, row, properties(c) AS before
SET c.reference = row.reference,
    c.title = row.title,
    c.description = row.description,
    c.department = row.department,
    c.valueGbp = row.valueGbp,
    c.annualValueGbp = row.annualValueGbp,
    c.startDate = row.startDate,
    c.endDate = row.endDate,
    c.maxExtensionDate = row.maxExtensionDate,
    c.reviewDate = row.reviewDate,
    c.extensionOptions = row.extensionOptions,
    c.cpvCodes = row.cpvCodes,
    c.proclass = row.proclass,
    c.source = $source
WITH b, c, row, before
CALL (c, before) {
  WITH c WHERE before <> properties(c) OR c.updatedAt IS NULL
  SET c.updatedAt = datetime()
}
MERGE (b)-[a:AWARDED]->(c)
  ON CREATE SET a.source = $source, a.updatedAt = datetime()
WITH c, row
MATCH (s:Supplier {id: row.supplierId})
CALL (c, s) {
  MATCH (c)-[old:WITH]->(other:Supplier)
  WHERE other <> s
  DELETE old
}
MERGE (c)-[w:WITH]->(s)
  ON CREATE SET w.source = $source, w.supplierMatch = row.supplierMatch, w.updatedAt = datetime()
