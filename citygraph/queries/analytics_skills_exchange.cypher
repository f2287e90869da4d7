// skillsExchange's input: the candidate mentors and learners for skill $skill, each with the ids of the
// systems it uses. The pairs are ranked (by the systems both use) in graph/analytics.py from these sets:
// pairing them here would hold every pair's list of systems at once, and a UK-scale demo skill has over
// 7,000 pairs (Neo4j's transaction memory limit). This statement holds no more than it returns.
// One row: `skill` (null when $skill names no skill), `mentors` and `learners` ({borough, level, systems:
// ids}) and `systems`: the maps of the systems mentors use, by name, id (a shared system is one of them).
OPTIONAL MATCH (k:Skill {name: $skill})
OPTIONAL CALL (k) {
  WITH k WHERE k IS NOT NULL
  MATCH (b:Borough)-[r:HAS_SKILL]->(k)
  WITH b, r.level AS level, r.level >= $minMentorLevel AS mentor, r.level <= $maxLearnerLevel AS learner
  WHERE mentor OR learner
  WITH collect({borough: b {.code, .name, .region}, level: level, mentor: mentor, learner: learner,
                systems: [(b)-[:USES]->(s:System) | s.id]}) AS candidates,
       collect(CASE WHEN mentor THEN b END) AS mentors
  RETURN [c IN candidates WHERE c.mentor] AS mentors, [c IN candidates WHERE c.learner] AS learners,
         COLLECT {
           UNWIND mentors AS b
           MATCH (b)-[:USES]->(s:System)
           WITH DISTINCT s
           ORDER BY s.name, s.id
           RETURN s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
                     manufacturer: head([(s)-[:MADE_BY]->(x) | x {.id, .name, .sme, .vcse, .companyNumber}])}
         } AS systems
}
RETURN k {.name, .category} AS skill, mentors, learners, systems
