// Staging: USES between a staged borough and a staged system (invisible: no reader starts from either).
// A null in the CREATE's map sets nothing, as SET would not.
UNWIND $rows AS row
MATCH (b:StagedBorough {code: row.boroughCode})
MATCH (s:StagedSystem {id: row.systemId})
CREATE (b)-[:USES {
         since: row.since, hosting: coalesce(row.hosting, 'UNKNOWN'), satisfaction: row.satisfaction,
         users: row.users, source: $source, updatedAt: datetime()
       }]->(s)
RETURN 'created' AS status, count(*) AS count
