// The councils a buyer name can match: every Borough node, London's 33 and any other.
MATCH (b:Borough)
RETURN b.code AS code, b.name AS name, b.officialName AS officialName
ORDER BY code
