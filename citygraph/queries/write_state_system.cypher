// One system as the write API compares it before and after a change, with its area and manufacturer.
MATCH (n:System {id: $id})
RETURN elementId(n) AS element,
       n {.*,
          serviceArea: head(COLLECT { MATCH (n)-[:IN_AREA]->(a:ServiceArea) RETURN a {.name, .kind} }),
          manufacturer: head(COLLECT { MATCH (n)-[:MADE_BY]->(m:Supplier) RETURN m {.id, .name, .sme, .companyNumber} })
       } AS state
