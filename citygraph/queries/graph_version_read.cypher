MATCH (v:GraphVersion {id: 'graph'})
RETURN v.version AS version
