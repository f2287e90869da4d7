// Staging: new suppliers, as import_suppliers would create them (sme defaults to false).
UNWIND $rows AS row
CREATE (n:StagedSupplier {id: row.id, name: row.name, sme: coalesce(row.sme, false), source: $source, updatedAt: datetime()})
SET n.companyNumber = row.companyNumber
RETURN 'created' AS status, count(*) AS count
