UNWIND $keys AS key
MATCH (b:Borough {code: key})-[u:USES]->(s:System)
RETURN key, {boroughCode: b.code, systemId: s.id, since: u.since, hosting: u.hosting,
             satisfaction: u.satisfaction, users: u.users} AS item
ORDER BY key, s.name, s.id
