// setSkillRating: one HAS_SKILL per (borough, skill), the Skill made when new; a given category replaces
// the skill's (as a bundle's skill_ratings.csv does). The Skill is stamped here when it changed; the rating
// by write_stamp_relationship.
MATCH (b:Borough {code: $boroughCode})
MERGE (k:Skill {name: $skill})
  ON CREATE SET k.source = $source, k.updatedAt = datetime()
WITH b, k, properties(k) AS before
SET k.category = coalesce($category, k.category)
FOREACH (_ IN CASE WHEN before <> properties(k) THEN [1] ELSE [] END |
  SET k.source = $source, k.updatedAt = datetime())
MERGE (b)-[h:HAS_SKILL]->(k)
SET h.level = $level
