// The keys (live or revoked) named $ref or whose display prefix is $ref (revokedAt read as in api_keys_list).
MATCH (k:ApiKey)
WHERE k.name = $ref OR k.prefix = $ref
RETURN k.name AS name, k.prefix AS prefix, k.active AS active, properties(k)['revokedAt'] AS revokedAt
