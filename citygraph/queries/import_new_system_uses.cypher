// Bundle system uses of a borough or system that is new in this load, so the USES cannot exist yet:
// created outright with what import_system_uses would give a new one.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (s:System {id: row.systemId})
CREATE (b)-[u:USES {source: $source, updatedAt: datetime()}]->(s)
SET u.since = row.since, u.hosting = coalesce(row.hosting, 'UNKNOWN'), u.satisfaction = row.satisfaction,
    u.users = row.users
RETURN 'created' AS status, count(*) AS count
