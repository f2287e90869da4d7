// Staging: USES between a staged borough and a staged system (invisible: no reader starts from either).
UNWIND $rows AS row
MATCH (b:StagedBorough {code: row.boroughCode})
MATCH (s:StagedSystem {id: row.systemId})
CREATE (b)-[u:USES {source: $source, updatedAt: datetime()}]->(s)
SET u.since = row.since, u.hosting = coalesce(row.hosting, 'UNKNOWN'), u.satisfaction = row.satisfaction,
    u.users = row.users
RETURN 'created' AS status, count(*) AS count
