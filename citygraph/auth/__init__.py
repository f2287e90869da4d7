"""Who is asking: principals and roles (principal.py). Sign-in (API keys, OpenID Connect) resolves a request's
`Authorization` header to a Principal; resolvers decide with it what the caller may see and change."""
