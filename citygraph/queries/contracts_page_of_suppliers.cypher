UNWIND $keys AS key
CALL (key) {
  MATCH (b:Borough)-[:AWARDED]->(c:Contract)-[:WITH]->(x:Supplier {id: key})
  WHERE ($where.boroughCode IS NULL OR b.code = $where.boroughCode)
  AND ($where.supplierId IS NULL OR x.id = $where.supplierId)
  AND ($where.systemId IS NULL OR EXISTS { (c)-[:COVERS]->(:System {id: $where.systemId}) })
  AND ($where.serviceArea IS NULL OR EXISTS { (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {name: $where.serviceArea}) })
  AND ($where.endDateFrom IS NULL OR c.endDate >= $where.endDateFrom)
  AND ($where.endDateTo IS NULL OR c.endDate <= $where.endDateTo)
  WITH b, c, x ORDER BY c.endDate, c.id SKIP $offset LIMIT $limit
  RETURN collect(c {.id, .title, .valueGbp, .startDate, .endDate, .maxExtensionDate, .source, boroughCode: b.code, supplierId: x.id}) AS items
}
RETURN key, items
