// The live (not revoked) key whose SHA-256 is $hash (the unique constraint on hash indexes it).
MATCH (k:ApiKey {hash: $hash})
WHERE k.revokedAt IS NULL
RETURN k.name AS name, k.role AS role, k.boroughs AS boroughs
