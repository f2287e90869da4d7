// removeContract: the contract and its relationships.
MATCH (c:Contract {id: $id})
DETACH DELETE c
