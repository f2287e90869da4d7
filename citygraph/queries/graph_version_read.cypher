MATCH (v:GraphVersion {id: 'graph'})
RETURN v.version AS version, toString(v.changedAt) AS changedAt
