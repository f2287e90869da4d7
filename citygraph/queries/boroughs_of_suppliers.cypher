// Boroughs a supplier supplies: by contract, or through a system it manufactures that they use.
UNWIND $keys AS key
MATCH (x:Supplier {id: key})
CALL (x) {
  MATCH (x)<-[:WITH]-(:Contract)<-[:AWARDED]-(b:Borough) RETURN b
  UNION
  MATCH (x)<-[:MADE_BY]-(:System)<-[:USES]-(b:Borough) RETURN b
}
WITH key, b {.code, .name, .region} AS item
ORDER BY key, b.name, b.code
// One row per key: the driver's cost is per record, so a list per key is several times cheaper.
RETURN key, collect(item) AS items
