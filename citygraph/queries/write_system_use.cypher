// upsertSystemUse: one USES per (borough, system). A null value keeps what the graph has (as in a bundle), a
// property named in $clear is removed; hosting is UNKNOWN until given. source/updatedAt: write_stamp_*.
MATCH (b:Borough {code: $boroughCode}), (s:System {id: $systemId})
MERGE (b)-[u:USES]->(s)
SET u.since = CASE WHEN 'since' IN $clear THEN null ELSE coalesce($since, u.since) END,
    u.hosting = coalesce($hosting, u.hosting, 'UNKNOWN'),
    u.satisfaction = CASE WHEN 'satisfaction' IN $clear THEN null ELSE coalesce($satisfaction, u.satisfaction) END,
    u.users = CASE WHEN 'users' IN $clear THEN null ELSE coalesce($users, u.users) END
