// Provenance of a node the write API changed: who (`api:<principal>`) and when.
MATCH (n) WHERE elementId(n) = $element
SET n.source = $source, n.updatedAt = datetime()
RETURN n.updatedAt AS updatedAt
