UNWIND $keys AS key
MATCH (s:System {id: key})
RETURN key, s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(a) | a {.name, .kind}]), manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])} AS item
