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
  // totalCount and aggregate { count sumValueGbp minEndDate maxEndDate } in one pass (unknown values ignored)
  WITH count(c) AS count, sum(c.valueGbp) AS sumValueGbp, min(c.endDate) AS minEndDate, max(c.endDate) AS maxEndDate
  RETURN count, {count: count, sumValueGbp: sumValueGbp, minEndDate: minEndDate, maxEndDate: maxEndDate} AS aggregate
}
RETURN key, count, aggregate
