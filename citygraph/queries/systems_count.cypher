MATCH (s:System)
WHERE ($where.nameContains IS NULL OR toLower(s.name) CONTAINS toLower($where.nameContains))
  AND ($where.serviceArea IS NULL OR EXISTS { (s)-[:IN_AREA]->(:ServiceArea {name: $where.serviceArea}) })
  AND ($where.manufacturerId IS NULL OR EXISTS { (s)-[:MADE_BY]->(:Supplier {id: $where.manufacturerId}) })
  AND /*filter*/ true
RETURN count(s) AS count
