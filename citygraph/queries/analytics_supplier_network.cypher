// supplierNetwork's input: which boroughs each supplier supplies (contract counterparty or manufacturer of a
// system in use), as positions in the list of all boroughs ordered by name, code. The network (links, the
// breadth-first ranking, edges) is worked out from these sets by graph/analytics.py: pairing suppliers here
// would hold every (supplier, supplier, borough) triple at once, which grows with the square of the suppliers
// per borough (the UK demo: over 700 MiB, then Neo4j's transaction memory limit). This statement holds one
// list of positions per supplier: no more than it returns.
// One row: `centre` (null when $supplierId names no supplier), `boroughs` (their maps in that order when
// $withBoroughs, for the edges' sharedBoroughs; otherwise empty) and `suppliers` ({id, name, at: positions};
// a supplier that supplies no borough is absent).
OPTIONAL MATCH (centre:Supplier {id: $supplierId})
OPTIONAL CALL (centre) {
  WITH centre WHERE centre IS NOT NULL
  MATCH (b:Borough)
  WITH b ORDER BY b.name, b.code
  WITH collect(b) AS boroughs
  CALL (boroughs) {
    UNWIND range(0, size(boroughs) - 1) AS i
    WITH i, boroughs[i] AS b
    // AWARDED, WITH, USES and MADE_BY always end at the labels the model gives them (docs/graph-model.md):
    // checking them read every contract again (a fifth of the db hits on the UK demo).
    CALL (b) {
      MATCH (b)-[:AWARDED]->()-[:WITH]->(x) RETURN x
      UNION
      MATCH (b)-[:USES]->()-[:MADE_BY]->(x) RETURN x
    }
    WITH x, collect(i) AS at
    RETURN collect({id: x.id, name: x.name, at: at}) AS suppliers
  }
  RETURN CASE WHEN $withBoroughs THEN [b IN boroughs | b {.code, .name, .region}] ELSE [] END AS boroughs, suppliers
}
RETURN centre {.id, .name} AS centre, boroughs, suppliers
