// supplierNetwork: suppliers are linked when at least $minShared boroughs are supplied by both (contract
// counterparty or manufacturer of a system in use); weight = the number of such boroughs.
// Breadth-first from the centre over those links, one hop per block below ($depth is at most 3). Nodes are
// ranked centre first, then by hops from the centre, then by their strongest link to the previous hop
// (desc), name, id; the first $limit are kept, so a kept node's way back to the centre is kept too.
// One row: `found` (false when $supplierId names no supplier), `nodes` (ranked) and `edges`
// (every link between two kept nodes, source < target by id, by weight desc, source, target).
// $withBoroughs is false when no one asked for the edges' sharedBoroughs: that spares thousands of maps.
OPTIONAL MATCH (centre:Supplier {id: $supplierId})
OPTIONAL CALL (centre) {
  WITH centre WHERE centre IS NOT NULL
  CALL () {
    MATCH (b:Borough)-[:AWARDED]->(:Contract)-[:WITH]->(x:Supplier) RETURN b, x
    UNION
    MATCH (b:Borough)-[:USES]->(:System)-[:MADE_BY]->(x:Supplier) RETURN b, x
  }
  WITH b, collect(x) AS suppliers
  UNWIND suppliers AS x
  UNWIND suppliers AS y
  WITH x, y, b WHERE x.id < y.id
  ORDER BY b.name, b.code
  WITH x, y, collect(b) AS shared
  WHERE size(shared) >= $minShared
  WITH collect({a: x.id, b: y.id, weight: size(shared), shared: shared}) AS links
  WITH links, [$supplierId] AS seen, [$supplierId] AS frontier, [{id: $supplierId, hops: 0, strength: 0}] AS found
  CALL (links, seen, frontier) {
    UNWIND links AS l
    WITH l, CASE WHEN l.a IN frontier AND NOT l.b IN seen THEN l.b
                 WHEN l.b IN frontier AND NOT l.a IN seen THEN l.a END AS n
    WHERE $depth >= 1 AND n IS NOT NULL
    WITH n, max(l.weight) AS strength
    RETURN collect({id: n, hops: 1, strength: strength}) AS next
  }
  WITH links, found + next AS found, seen + [f IN next | f.id] AS seen, [f IN next | f.id] AS frontier
  CALL (links, seen, frontier) {
    UNWIND links AS l
    WITH l, CASE WHEN l.a IN frontier AND NOT l.b IN seen THEN l.b
                 WHEN l.b IN frontier AND NOT l.a IN seen THEN l.a END AS n
    WHERE $depth >= 2 AND n IS NOT NULL
    WITH n, max(l.weight) AS strength
    RETURN collect({id: n, hops: 2, strength: strength}) AS next
  }
  WITH links, found + next AS found, seen + [f IN next | f.id] AS seen, [f IN next | f.id] AS frontier
  CALL (links, seen, frontier) {
    UNWIND links AS l
    WITH l, CASE WHEN l.a IN frontier AND NOT l.b IN seen THEN l.b
                 WHEN l.b IN frontier AND NOT l.a IN seen THEN l.a END AS n
    WHERE $depth >= 3 AND n IS NOT NULL
    WITH n, max(l.weight) AS strength
    RETURN collect({id: n, hops: 3, strength: strength}) AS next
  }
  WITH links, found + next AS found, seen + [f IN next | f.id] AS seen, [f IN next | f.id] AS frontier
  UNWIND found AS f
  MATCH (x:Supplier {id: f.id})
  WITH links, f, x
  ORDER BY f.hops, f.strength DESC, x.name, x.id
  LIMIT $limit
  WITH links, collect(x {.id, .name}) AS nodes
  WITH nodes, [n IN nodes | n.id] AS ids, links
  RETURN nodes, COLLECT {
    UNWIND links AS l
    WITH l WHERE l.a IN ids AND l.b IN ids
    ORDER BY l.weight DESC, l.a, l.b
    RETURN {source: l.a, target: l.b, weight: l.weight,
            sharedBoroughs: CASE WHEN $withBoroughs THEN [b IN l.shared | b {.code, .name, .region}] ELSE [] END}
  } AS edges
}
RETURN centre IS NOT NULL AS found, nodes, edges
