// skillsExchange: mentor/learner pairs of boroughs for skill $skill, with the systems both use.
// One row: `skill` (null when $skill names no skill) and `items`, already in the contract's order.
OPTIONAL MATCH (k:Skill {name: $skill})
CALL (k) {
  MATCH (mentor:Borough)-[m:HAS_SKILL]->(k)<-[l:HAS_SKILL]-(learner:Borough)
  WHERE m.level >= $minMentorLevel AND l.level <= $maxLearnerLevel AND mentor <> learner
  WITH mentor, learner, m.level AS mentorLevel, l.level AS learnerLevel,
       COLLECT {
         MATCH (mentor)-[:USES]->(s:System)<-[:USES]-(learner)
         RETURN s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
                   manufacturer: head([(s)-[:MADE_BY]->(x) | x {.id, .name, .sme, .companyNumber}])}
         ORDER BY s.name, s.id
       } AS systems
  ORDER BY size(systems) DESC, mentor.name, learner.name, mentor.code, learner.code
  RETURN collect({mentor: mentor {.code, .name, .region}, learner: learner {.code, .name, .region},
                  mentorLevel: mentorLevel, learnerLevel: learnerLevel, systems: systems}) AS items
}
RETURN k {.name, .category} AS skill, items
