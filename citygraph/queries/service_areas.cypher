MATCH (a:ServiceArea)
RETURN a {.name, .kind} AS item
ORDER BY a.name
