UNWIND $keys AS key
MATCH (b:Borough)-[:AWARDED]->(c:Contract {id: key})-[:WITH]->(x:Supplier)
RETURN key, c {.id, .title, .valueGbp, .startDate, .endDate, .maxExtensionDate, .source, boroughCode: b.code, supplierId: x.id} AS item
