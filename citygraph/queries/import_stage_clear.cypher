// What a staged load that never published left behind (its loader was killed or failed), a chunk at a
// time. Staged nodes only have relationships among themselves.
MATCH (n)
WHERE n:StagedServiceArea OR n:StagedSupplier OR n:StagedBorough OR n:StagedSystem OR n:StagedContract OR n:StagedSkill
WITH n LIMIT 5000
DETACH DELETE n
RETURN count(*) AS deleted
