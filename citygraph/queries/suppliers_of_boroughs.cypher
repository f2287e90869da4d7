// "The suppliers of a borough": contract counterparties plus manufacturers of the systems it uses.
UNWIND $keys AS key
MATCH (b:Borough {code: key})
CALL (b) {
  MATCH (b)-[:AWARDED]->(:Contract)-[:WITH]->(s:Supplier) RETURN s
  UNION
  MATCH (b)-[:USES]->(:System)-[:MADE_BY]->(s:Supplier) RETURN s
}
WITH key, s {.id, .name, .sme, .vcse, .companyNumber} AS item
ORDER BY key, s.name, s.id
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
