// sharedSuppliers: suppliers of at least $minBoroughs of the boroughs $codes (distinct). "The suppliers
// of a borough" = its contract counterparties plus the manufacturers of the systems it uses.
// One row: `missing` (codes that name no borough) and `items`, already in the contract's order.
WITH [code IN $codes WHERE NOT EXISTS { MATCH (:Borough {code: code}) }] AS missing
CALL (missing) {
  WITH missing WHERE missing = []
  UNWIND $codes AS code
  MATCH (b:Borough {code: code})
  CALL (b) {
    MATCH (b)-[:AWARDED]->(:Contract)-[:WITH]->(x:Supplier) RETURN x
    UNION
    MATCH (b)-[:USES]->(:System)-[:MADE_BY]->(x:Supplier) RETURN x
  }
  WITH x, b ORDER BY b.name, b.code
  WITH x, collect(b {.code, .name, .region}) AS boroughs
  WHERE size(boroughs) >= $minBoroughs
  ORDER BY size(boroughs) DESC, x.name, x.id
  RETURN collect({supplier: x {.id, .name, .sme, .vcse, .companyNumber}, boroughs: boroughs}) AS items
}
RETURN missing, items
