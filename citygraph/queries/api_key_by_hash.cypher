// The live (not revoked) key whose SHA-256 is $hash (the unique constraint on hash indexes it). `active`
// rather than `revokedAt IS NULL`: Neo4j warns about a property no node has ever had.
MATCH (k:ApiKey {hash: $hash, active: true})
RETURN k.name AS name, k.role AS role, k.boroughs AS boroughs
