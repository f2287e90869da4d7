// Provenance of each System id in $keys (records.Provenance).
UNWIND $keys AS key
MATCH (n:System {id: key})
RETURN key, n {.source, .method, .confidence, .updatedAt} AS item
