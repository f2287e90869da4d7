// Bundle skill ratings of a borough or skill that is new in this load: the HAS_SKILL cannot exist yet.
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (k:Skill {name: row.skill})
CREATE (b)-[:HAS_SKILL {level: row.level, source: $source, updatedAt: datetime()}]->(k)
RETURN 'created' AS status, count(*) AS count
