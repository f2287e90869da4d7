// search: the `entity_search` full-text index (schema.cypher), best score first. $lucene is a Lucene query
// built by citygraph/graph/search.py from the user's words only (no user-written syntax reaches Lucene).
// The index hands over at most $scan hits, best first (resolvers/search.py: $limit when every kind is wanted,
// so nothing is lost; a larger bound when some kinds are, as other kinds' hits are dropped after it). One
// index over all kinds (not one per kind) measured faster on the London demo: one Lucene search, not seven.
CALL db.index.fulltext.queryNodes('entity_search', $lucene, {limit: $scan}) YIELD node AS n, score
WITH n, score, CASE
    WHEN n:Borough THEN 'BOROUGH' WHEN n:Supplier THEN 'SUPPLIER' WHEN n:System THEN 'SYSTEM'
    WHEN n:Contract THEN 'CONTRACT' WHEN n:Skill THEN 'SKILL' WHEN n:ServiceArea THEN 'SERVICE_AREA'
    ELSE 'PARTNERSHIP' END AS kind
WHERE kind IN $kinds
RETURN {kind: kind, id: coalesce(n.code, n.id, n.name), label: coalesce(n.name, n.title), score: score} AS item
ORDER BY score DESC, item.label, item.id
LIMIT $limit
