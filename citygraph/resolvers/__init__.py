"""GraphQL arguments → loaders and queries → domain records. Nothing here knows about strawberry types."""
