// "The suppliers of a borough": contract counterparties plus manufacturers of the systems it uses.
UNWIND $keys AS key
MATCH (b:Borough {code: key})
CALL (b) {
  MATCH (b)-[:AWARDED]->(:Contract)-[:WITH]->(s:Supplier) RETURN s
  UNION
  MATCH (b)-[:USES]->(:System)-[:MADE_BY]->(s:Supplier) RETURN s
}
RETURN key, s {.id, .name, .sme, .companyNumber} AS item
ORDER BY key, s.name, s.id
