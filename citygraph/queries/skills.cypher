MATCH (k:Skill)
RETURN k {.name, .category} AS item
ORDER BY k.name
