// One service area as the write API compares it before and after a change.
MATCH (n:ServiceArea {name: $name})
RETURN elementId(n) AS element, n {.*} AS state
