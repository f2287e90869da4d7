// collaborationPartners of each borough code in $codes: one row per code with `found` and `partners`,
// the other boroughs sharing at least one system, by Jaccard score of the two system sets desc, then
// name, code; the first $limit. Details (shared suppliers, contract timing, partnerships) are worked out
// only for the partners kept.
UNWIND $codes AS key
OPTIONAL MATCH (a:Borough {code: key})
CALL (a) {
  WITH a, COUNT { (a)-[:USES]->(:System) } AS na
  MATCH (a)-[:USES]->(s:System)<-[:USES]-(b:Borough)
  WHERE b <> a
  WITH a, b, na, count(DISTINCT s) AS shared
  WITH a, b, toFloat(shared) / (na + COUNT { (b)-[:USES]->(:System) } - shared) AS score
  ORDER BY score DESC, b.name, b.code
  LIMIT $limit
  CALL (a, b) {
    MATCH (a)-[:USES]->(s:System)<-[:USES]-(b)
    // Each borough's latest-ending contract for the system: the cycle it is on now. (A CALL, not a COLLECT
    // with `endDate IS NOT NULL`, which the planner answers from the endDate index: a scan of every contract.)
    CALL (a, s) { MATCH (a)-[:AWARDED]->(c:Contract)-[:COVERS]->(s) RETURN max(c.endDate) AS endA }
    CALL (b, s) { MATCH (b)-[:AWARDED]->(c:Contract)-[:COVERS]->(s) RETURN max(c.endDate) AS endB }
    WITH s, endA, endB
    ORDER BY s.name, s.id
    RETURN collect({
      system: s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
                 manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .companyNumber}])},
      endsAligned: coalesce(endA + duration({months: 6}) >= endB AND endB + duration({months: 6}) >= endA, false)
    }) AS systems
  }
  CALL (a, b) {
    CALL (a) {
      MATCH (a)-[:AWARDED]->(:Contract)-[:WITH]->(x:Supplier) RETURN x
      UNION
      MATCH (a)-[:USES]->(:System)-[:MADE_BY]->(x:Supplier) RETURN x
    }
    WITH x
    WHERE EXISTS { (b)-[:AWARDED]->(:Contract)-[:WITH]->(x) } OR EXISTS { (b)-[:USES]->(:System)-[:MADE_BY]->(x) }
    ORDER BY x.name, x.id
    RETURN collect(x {.id, .name, .sme, .companyNumber}) AS suppliers
  }
  WITH b, score, systems, suppliers,
       COLLECT { MATCH (a)-[:MEMBER_OF]->(p:Partnership)<-[:MEMBER_OF]-(b) RETURN p.name ORDER BY p.name }
         AS partnerships
  ORDER BY score DESC, b.name, b.code
  RETURN collect({borough: b {.code, .name, .region}, score: score, systems: systems, suppliers: suppliers,
                  partnerships: partnerships}) AS partners
}
RETURN key, a IS NOT NULL AS found, partners
