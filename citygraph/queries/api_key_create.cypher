// Creates the API key $name unless a key of that name exists (revoked or not: a name stays with one key, so
// the audit trail's `api:<name>` always means one key). MERGE on the unique name makes two concurrent
// creations of the same name safe. created = false when the name was taken.
MERGE (k:ApiKey {name: $name})
  ON CREATE SET k.role = $role, k.boroughs = $boroughs, k.hash = $hash, k.prefix = $prefix, k.active = true,
                k.createdAt = datetime()
RETURN k.hash = $hash AS created
