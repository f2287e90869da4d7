// Every API key, for `citygraph keys list`: never the hash.
MATCH (k:ApiKey)
RETURN k.name AS name, k.prefix AS prefix, k.role AS role, k.boroughs AS boroughs,
       k.createdAt AS createdAt, k.revokedAt AS revokedAt
ORDER BY k.createdAt, k.name
