// upsertServiceArea.
MERGE (n:ServiceArea {name: $name})
SET n.kind = $kind
