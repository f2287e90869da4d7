// Provenance of each Contract id in $keys (records.Provenance).
UNWIND $keys AS key
MATCH (n:Contract {id: key})
RETURN key, n {.source, .method, .confidence, .updatedAt} AS item
