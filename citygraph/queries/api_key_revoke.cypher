// Revokes the live keys named $ref or whose display prefix is $ref. The caller refuses (and this statement
// is not run) when $ref names more than one key: see citygraph/auth/keys.py.
MATCH (k:ApiKey)
WHERE (k.name = $ref OR k.prefix = $ref) AND k.active
SET k.active = false, k.revokedAt = datetime()
RETURN k.name AS name, k.prefix AS prefix
