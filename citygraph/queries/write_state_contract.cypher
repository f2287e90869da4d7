// One contract as the write API compares it before and after a change: its properties, its borough, its
// lead supplier (the first by id, docs/graph-model.md) and the systems it covers.
MATCH (c:Contract {id: $id})
RETURN elementId(c) AS element,
       c {.*,
          boroughCode: head(COLLECT { MATCH (b:Borough)-[:AWARDED]->(c) RETURN b.code ORDER BY b.code }),
          supplierId: head(COLLECT { MATCH (c)-[:WITH]->(x:Supplier) RETURN x.id ORDER BY x.id LIMIT 1 }),
          systemIds: COLLECT { MATCH (c)-[:COVERS]->(s:System) RETURN s.id ORDER BY s.id }} AS state
