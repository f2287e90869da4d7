// Every API key, for `citygraph keys list`: never the hash. properties(k)['revokedAt'] rather than k.revokedAt,
// which Neo4j warns about while no key has ever been revoked.
MATCH (k:ApiKey)
RETURN k.name AS name, k.prefix AS prefix, k.role AS role, k.boroughs AS boroughs,
       k.createdAt AS createdAt, properties(k)['revokedAt'] AS revokedAt
ORDER BY k.createdAt, k.name
