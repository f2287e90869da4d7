// search: the full-text indexes `search_<kind>` (schema.cypher), best score first. $lucene is a Lucene query
// built by citygraph/graph/search.py from the user's words only (no user-written syntax reaches Lucene).
// Only the indexes of $kinds are asked, each for its best $limit hits, so the work stays bounded however
// many entities match (a prefix such as "sup" can match most contracts).
UNWIND $kinds AS kind
CALL (kind) {
  WITH kind WHERE kind = 'BOROUGH'
  CALL db.index.fulltext.queryNodes('search_borough', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.code, label: n.name, score: score} AS item
  UNION
  WITH kind WHERE kind = 'SUPPLIER'
  CALL db.index.fulltext.queryNodes('search_supplier', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.id, label: n.name, score: score} AS item
  UNION
  WITH kind WHERE kind = 'SYSTEM'
  CALL db.index.fulltext.queryNodes('search_system', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.id, label: n.name, score: score} AS item
  UNION
  WITH kind WHERE kind = 'CONTRACT'
  CALL db.index.fulltext.queryNodes('search_contract', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.id, label: n.title, score: score} AS item
  UNION
  WITH kind WHERE kind = 'SKILL'
  CALL db.index.fulltext.queryNodes('search_skill', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.name, label: n.name, score: score} AS item
  UNION
  WITH kind WHERE kind = 'SERVICE_AREA'
  CALL db.index.fulltext.queryNodes('search_service_area', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.name, label: n.name, score: score} AS item
  UNION
  WITH kind WHERE kind = 'PARTNERSHIP'
  CALL db.index.fulltext.queryNodes('search_partnership', $lucene, {limit: $limit}) YIELD node AS n, score
  RETURN {kind: kind, id: n.name, label: n.name, score: score} AS item
}
RETURN item
ORDER BY item.score DESC, item.label, item.id
LIMIT $limit
