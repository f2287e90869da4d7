// Staging: new systems whose manufacturer and service area are staged too, with MADE_BY and IN_AREA.
UNWIND $rows AS row
MATCH (m:StagedSupplier {id: row.manufacturerId})
MATCH (a:StagedServiceArea {name: row.serviceArea})
CREATE (m)<-[:MADE_BY {source: $source, updatedAt: datetime()}]-(s:StagedSystem {id: row.id, name: row.name, source: $source, updatedAt: datetime()})
       -[:IN_AREA {source: $source, updatedAt: datetime()}]->(a)
RETURN 'created' AS status, count(*) AS count
