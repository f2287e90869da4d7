// removeSkillRating: the rating only; the Skill stays (other boroughs may rate it).
MATCH (:Borough {code: $boroughCode})-[h:HAS_SKILL]->(:Skill {name: $skill})
DELETE h
