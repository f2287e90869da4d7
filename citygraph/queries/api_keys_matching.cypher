// The keys (live or revoked) named $ref or whose display prefix is $ref.
MATCH (k:ApiKey)
WHERE k.name = $ref OR k.prefix = $ref
RETURN k.name AS name, k.prefix AS prefix, k.revokedAt AS revokedAt
