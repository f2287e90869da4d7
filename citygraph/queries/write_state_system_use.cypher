// One system use as the write API compares it before and after a change (its properties and its keys).
MATCH (b:Borough {code: $boroughCode})-[u:USES]->(s:System {id: $systemId})
RETURN elementId(u) AS element, u {.*, boroughCode: b.code, systemId: s.id} AS state
