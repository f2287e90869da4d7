// Provenance of a relationship the write API changed: who (`api:<principal>`) and when.
MATCH ()-[r]->() WHERE elementId(r) = $element
SET r.source = $source, r.updatedAt = datetime()
RETURN r.updatedAt AS updatedAt
