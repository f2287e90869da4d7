MATCH (x:Supplier)
WHERE ($where.nameContains IS NULL OR toLower(x.name) CONTAINS toLower($where.nameContains))
  AND ($where.sme IS NULL OR coalesce(x.sme, false) = $where.sme)
  AND /*filter*/ true
RETURN x {.id, .name, .sme, .vcse, .companyNumber} AS item
ORDER BY /*sort*/ x.name, x.id
SKIP $offset LIMIT $limit
