// Contracts awarded by a council, ordered by endDate (unknown last), then id. An OCDS award can name
// several suppliers (several WITH): Contract.supplier is the first of them by id.
UNWIND $keys AS key
CALL (key) {
  MATCH (lead:Supplier {id: key})<-[:WITH]-(c:Contract)<-[:AWARDED]-(b:Borough)
  WHERE NOT EXISTS { (c)-[:WITH]->(y:Supplier) WHERE y.id < lead.id }
  AND ($where.boroughCode IS NULL OR b.code = $where.boroughCode)
  AND ($where.supplierId IS NULL OR EXISTS { (c)-[:WITH]->(x:Supplier {id: $where.supplierId}) WHERE NOT EXISTS { (c)-[:WITH]->(y:Supplier) WHERE y.id < x.id } })
  AND ($where.systemId IS NULL OR EXISTS { (c)-[:COVERS]->(:System {id: $where.systemId}) })
  AND ($where.serviceArea IS NULL OR EXISTS { (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {name: $where.serviceArea}) })
  AND ($where.endDateFrom IS NULL OR c.endDate >= $where.endDateFrom)
  AND ($where.endDateTo IS NULL OR c.endDate <= $where.endDateTo)
  AND /*filter*/ true
  WITH b, c ORDER BY /*sort*/ c.endDate, c.id SKIP $offset LIMIT $limit
  RETURN collect(c {.id, .title, .valueGbp, .startDate, .endDate, .maxExtensionDate, .source, .reference, .description,
         .department, .annualValueGbp, .reviewDate, .extensionOptions, .cpvCodes, .proclass, boroughCode: b.code,
         supplierId: head(COLLECT { MATCH (c)-[:WITH]->(x:Supplier) RETURN x.id ORDER BY x.id LIMIT 1 })}) AS items
}
RETURN key, items
