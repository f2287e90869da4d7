MATCH (b:Borough)-[:AWARDED]->(c:Contract)
WHERE ($where.boroughCode IS NULL OR b.code = $where.boroughCode)
  AND ($where.supplierId IS NULL OR EXISTS { (c)-[:WITH]->(:Supplier {id: $where.supplierId}) })
  AND ($where.systemId IS NULL OR EXISTS { (c)-[:COVERS]->(:System {id: $where.systemId}) })
  AND ($where.serviceArea IS NULL OR EXISTS { (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {name: $where.serviceArea}) })
  AND ($where.endDateFrom IS NULL OR c.endDate >= $where.endDateFrom)
  AND ($where.endDateTo IS NULL OR c.endDate <= $where.endDateTo)
RETURN count(c) AS count
