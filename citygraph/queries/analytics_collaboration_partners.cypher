// collaborationPartners of each borough code in $codes: one row per code with `found` and `partners`,
// the other boroughs sharing at least one system, by Jaccard score of the two system sets desc, then
// name, code; the first $limit. Details (shared suppliers, contract timing, partnerships) are worked out
// only for the partners kept, from each borough's own contracts read once: a pattern joining the two
// boroughs through a supplier or system would walk all of a large supplier's contracts for every pair.
// USES always ends at a System (docs/graph-model.md), so counting a borough's systems reads its degree.
UNWIND $codes AS key
OPTIONAL MATCH (a:Borough {code: key})
CALL (a) {
  WITH a, COUNT { (a)-[:USES]->() } AS na
  WITH a, COLLECT {
    MATCH (a)-[:USES]->(s:System)<-[:USES]-(b:Borough)
    WHERE b <> a
    WITH b, count(DISTINCT s) AS shared
    WITH b, toFloat(shared) / (na + COUNT { (b)-[:USES]->() } - shared) AS score
    ORDER BY score DESC, b.name, b.code
    LIMIT $limit
    RETURN {b: b, score: score}
  } AS ranked
  // Each borough's latest-ending contract per system it has contracts for (the cycle it is on now), and its
  // suppliers (contract counterparties plus manufacturers of the systems it uses) by name, id.
  WITH a, ranked,
       COLLECT { MATCH (a)-[:AWARDED]->(c:Contract)-[:COVERS]->(s:System)
                 WITH s, max(c.endDate) AS end RETURN {s: s, end: end} } AS endsA,
       COLLECT { CALL (a) {
                   MATCH (a)-[:AWARDED]->(:Contract)-[:WITH]->(x:Supplier) RETURN x
                   UNION
                   MATCH (a)-[:USES]->(:System)-[:MADE_BY]->(x:Supplier) RETURN x
                 } RETURN x ORDER BY x.name, x.id } AS suppliersA
  UNWIND ranked AS partner
  WITH a, endsA, suppliersA, partner.b AS b, partner.score AS score
  CALL (a, b, endsA) {
    WITH a, b, endsA,
         COLLECT { MATCH (b)-[:AWARDED]->(c:Contract)-[:COVERS]->(s:System)
                   WITH s, max(c.endDate) AS end RETURN {s: s, end: end} } AS endsB
    MATCH (a)-[:USES]->(s:System)<-[:USES]-(b)
    WITH s, head([e IN endsA WHERE e.s = s | e.end]) AS endA, head([e IN endsB WHERE e.s = s | e.end]) AS endB
    ORDER BY s.name, s.id
    RETURN collect({
      system: s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
                 manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])},
      endsAligned: coalesce(endA + duration({months: 6}) >= endB AND endB + duration({months: 6}) >= endA, false)
    }) AS systems
  }
  WITH a, b, score, systems, suppliersA,
       COLLECT { CALL (b) {
                   MATCH (b)-[:AWARDED]->(:Contract)-[:WITH]->(x:Supplier) RETURN x
                   UNION
                   MATCH (b)-[:USES]->(:System)-[:MADE_BY]->(x:Supplier) RETURN x
                 } RETURN x } AS suppliersB,
       COLLECT { MATCH (a)-[:MEMBER_OF]->(p:Partnership)<-[:MEMBER_OF]-(b) RETURN p.name ORDER BY p.name }
         AS partnerships
  ORDER BY score DESC, b.name, b.code
  RETURN collect({borough: b {.code, .name, .region}, score: score, systems: systems,
                  suppliers: [x IN suppliersA WHERE x IN suppliersB | x {.id, .name, .sme, .vcse, .companyNumber}],
                  partnerships: partnerships}) AS partners
}
RETURN key, a IS NOT NULL AS found, partners
