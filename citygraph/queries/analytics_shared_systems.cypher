// sharedSystems: systems used by at least $minBoroughs of the boroughs $codes (distinct).
// One row: `missing` (codes that name no borough) and `items`, already in the contract's order.
WITH [code IN $codes WHERE NOT EXISTS { MATCH (:Borough {code: code}) }] AS missing
CALL (missing) {
  WITH missing WHERE missing = []
  UNWIND $codes AS code
  MATCH (b:Borough {code: code})-[:USES]->(s:System)
  WITH s, b ORDER BY b.name, b.code
  WITH s, collect(b {.code, .name, .region}) AS boroughs
  WHERE size(boroughs) >= $minBoroughs
  ORDER BY size(boroughs) DESC, s.name, s.id
  RETURN collect({
    system: s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(a) | a {.name, .kind}]),
               manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])},
    boroughs: boroughs
  }) AS items
}
RETURN missing, items
