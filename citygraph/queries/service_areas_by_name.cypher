UNWIND $keys AS key
MATCH (a:ServiceArea {name: key})
RETURN key, a {.name, .kind} AS item
