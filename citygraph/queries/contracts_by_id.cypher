UNWIND $keys AS key
MATCH (b:Borough)-[:AWARDED]->(c:Contract {id: key})
RETURN key, c {.id, .title, .valueGbp, .startDate, .endDate, .maxExtensionDate, .source, .reference, .description,
         .department, .annualValueGbp, .reviewDate, .extensionOptions, .cpvCodes, .proclass, boroughCode: b.code,
         supplierId: head(COLLECT { MATCH (c)-[:WITH]->(x:Supplier) RETURN x.id ORDER BY x.id LIMIT 1 })} AS item
