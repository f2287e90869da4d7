// Publication of a staged load, in its final transaction: staged nodes take their real labels (and with
// them their constraints and indexes), after which the rows that touch what the graph had before are
// written by the ordinary statements in the same transaction.
CALL () { MATCH (n:StagedServiceArea) SET n:ServiceArea REMOVE n:StagedServiceArea RETURN count(n) AS serviceAreas }
CALL () { MATCH (n:StagedSupplier) SET n:Supplier REMOVE n:StagedSupplier RETURN count(n) AS suppliers }
CALL () { MATCH (n:StagedBorough) SET n:Borough REMOVE n:StagedBorough RETURN count(n) AS boroughs }
CALL () { MATCH (n:StagedSystem) SET n:System REMOVE n:StagedSystem RETURN count(n) AS systems }
CALL () { MATCH (n:StagedContract) SET n:Contract REMOVE n:StagedContract RETURN count(n) AS contracts }
CALL () { MATCH (n:StagedSkill) SET n:Skill REMOVE n:StagedSkill RETURN count(n) AS skills }
RETURN serviceAreas + suppliers + boroughs + systems + contracts + skills AS published
