// Provenance of each Supplier id in $keys (records.Provenance).
UNWIND $keys AS key
MATCH (n:Supplier {id: key})
RETURN key, n {.source, .method, .confidence, .updatedAt} AS item
