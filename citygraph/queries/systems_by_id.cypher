UNWIND $keys AS key
MATCH (s:System {id: key})
RETURN key, s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(a) | a.name]), manufacturerId: head([(s)-[:MADE_BY]->(m) | m.id])} AS item
