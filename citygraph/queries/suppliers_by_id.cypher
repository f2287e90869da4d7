UNWIND $keys AS key
MATCH (x:Supplier {id: key})
RETURN key, x {.id, .name, .sme, .vcse, .companyNumber} AS item
