// mergeSuppliers: every relationship of $remove moves to $keep (one of each type per neighbour: a contract
// WITH both keeps one WITH), $keep's own properties win and it gains the ones only $remove had, and $keep
// records what it absorbed (mergedIds, aliases) before $remove is deleted. Relationship types come from the
// graph (type(r)), never from input.
MATCH (keep:Supplier {id: $keep}), (gone:Supplier {id: $remove})
CALL (keep, gone) {
  MATCH (gone)-[r]->(other) WHERE other <> keep
  MERGE (keep)-[moved:$(type(r))]->(other)
    ON CREATE SET moved = properties(r)
  DELETE r
}
CALL (keep, gone) {
  MATCH (other)-[r]->(gone) WHERE other <> keep
  MERGE (other)-[moved:$(type(r))]->(keep)
    ON CREATE SET moved = properties(r)
  DELETE r
}
WITH keep, gone, properties(keep) AS own, properties(gone) AS absorbed
SET keep += gone {.*, id: keep.id}
SET keep += own
SET keep.mergedIds = [id IN coalesce(own.mergedIds, []) + [gone.id] + coalesce(absorbed.mergedIds, []) WHERE id <> keep.id],
    keep.aliases = reduce(names = [], name IN coalesce(own.aliases, []) + [gone.name] + coalesce(absorbed.aliases, []) |
                          CASE WHEN name = keep.name OR name IN names THEN names ELSE names + name END)
DETACH DELETE gone
