UNWIND $keys AS key
MATCH (:Contract {id: key})-[:COVERS]->(s:System)
RETURN key, s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(a) | a.name]),
               manufacturerId: head([(s)-[:MADE_BY]->(m) | m.id])} AS item
ORDER BY key, s.name, s.id
