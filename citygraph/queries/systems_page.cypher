MATCH (s:System)
WHERE ($where.nameContains IS NULL OR toLower(s.name) CONTAINS toLower($where.nameContains))
  AND ($where.serviceArea IS NULL OR EXISTS { (s)-[:IN_AREA]->(:ServiceArea {name: $where.serviceArea}) })
  AND ($where.manufacturerId IS NULL OR EXISTS { (s)-[:MADE_BY]->(:Supplier {id: $where.manufacturerId}) })
  AND /*filter*/ true
RETURN s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(a) | a {.name, .kind}]), manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])} AS item
ORDER BY /*sort*/ s.name, s.id
SKIP $offset LIMIT $limit
