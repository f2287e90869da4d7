// Bundle contracts the graph does not have yet (the importer checked, holding the import lock): created
// outright with what import_contracts would give a new contract, without its comparisons. The unique
// constraint on Contract.id still refuses a duplicate, failing the whole load.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (s:Supplier {id: row.supplierId})
CREATE (b)-[:AWARDED {source: row.stamp, updatedAt: datetime()}]->(c:Contract {id: row.id})
       -[:WITH {source: row.stamp, updatedAt: datetime()}]->(s)
SET c.title = row.title, c.valueGbp = row.valueGbp, c.startDate = row.startDate, c.endDate = row.endDate,
    c.maxExtensionDate = row.maxExtensionDate, c.source = row.stamp, c.updatedAt = datetime()
WITH c, row
CALL (c, row) {
  UNWIND coalesce(row.systemIds, []) AS systemId
  MATCH (y:System {id: systemId})
  CREATE (c)-[:COVERS {source: row.stamp, updatedAt: datetime()}]->(y)
}
RETURN 'created' AS status, count(*) AS count
