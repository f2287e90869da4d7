// One supplier as the write API compares it before and after a change.
MATCH (n:Supplier {id: $id})
RETURN elementId(n) AS element, n {.*} AS state
