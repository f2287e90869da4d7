// Staging: HAS_SKILL between a staged borough and a staged skill.
UNWIND $rows AS row
MATCH (b:StagedBorough {code: row.boroughCode})
MATCH (k:StagedSkill {name: row.skill})
CREATE (b)-[:HAS_SKILL {level: row.level, source: $source, updatedAt: datetime()}]->(k)
RETURN 'created' AS status, count(*) AS count
