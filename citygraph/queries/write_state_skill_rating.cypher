// One skill rating as the write API compares it before and after a change (with its skill's category).
MATCH (b:Borough {code: $boroughCode})-[h:HAS_SKILL]->(k:Skill {name: $skill})
RETURN elementId(h) AS element, h {.*, boroughCode: b.code, skillName: k.name, category: k.category} AS state
