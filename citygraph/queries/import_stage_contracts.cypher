// Staging: new contracts whose borough, supplier and systems are all staged, as import_new_contracts
// would create them.
UNWIND $rows AS row
MATCH (b:StagedBorough {code: row.boroughCode})
MATCH (s:StagedSupplier {id: row.supplierId})
CREATE (b)-[:AWARDED {source: row.stamp, updatedAt: datetime()}]->(c:StagedContract {id: row.id})
       -[:WITH {source: row.stamp, updatedAt: datetime()}]->(s)
SET c.title = row.title, c.valueGbp = row.valueGbp, c.startDate = row.startDate, c.endDate = row.endDate,
    c.maxExtensionDate = row.maxExtensionDate, c.source = row.stamp, c.updatedAt = datetime()
WITH c, row
CALL (c, row) {
  UNWIND coalesce(row.systemIds, []) AS systemId
  MATCH (y:StagedSystem {id: systemId})
  CREATE (c)-[:COVERS {source: row.stamp, updatedAt: datetime()}]->(y)
}
RETURN 'created' AS status, count(*) AS count
