UNWIND $keys AS key
MATCH (b:Borough)-[u:USES]->(s:System {id: key})
RETURN key, {boroughCode: b.code, systemId: s.id, since: u.since, hosting: u.hosting,
             satisfaction: u.satisfaction, users: u.users} AS item
ORDER BY key, b.name, b.code
