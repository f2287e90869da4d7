// Staging: new contracts whose borough, supplier and systems are all staged, as import_new_contracts
// would create them. Properties in the CREATE's map rather than a SET after it: one write per node.
UNWIND $rows AS row
MATCH (b:StagedBorough {code: row.boroughCode})
MATCH (s:StagedSupplier {id: row.supplierId})
CREATE (b)-[:AWARDED {source: row.stamp, updatedAt: datetime()}]->(c:StagedContract {
         id: row.id, title: row.title, valueGbp: row.valueGbp, startDate: row.startDate, endDate: row.endDate,
         maxExtensionDate: row.maxExtensionDate, source: row.stamp, updatedAt: datetime()
       })-[:WITH {source: row.stamp, updatedAt: datetime()}]->(s)
WITH c, row
CALL (c, row) {
  UNWIND coalesce(row.systemIds, []) AS systemId
  MATCH (y:StagedSystem {id: systemId})
  CREATE (c)-[:COVERS {source: row.stamp, updatedAt: datetime()}]->(y)
}
RETURN 'created' AS status, count(*) AS count
