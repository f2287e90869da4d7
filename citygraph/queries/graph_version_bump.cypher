// The graph version moves with every write transaction (citygraph/graph/version.py).
MERGE (v:GraphVersion {id: 'graph'})
  ON CREATE SET v.version = 0
SET v.version = v.version + 1, v.changedAt = datetime()
RETURN v.version AS version
