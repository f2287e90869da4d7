MATCH (p:Partnership)
RETURN p {.name} AS item
ORDER BY p.name
