"""Who is calling: the `Authorization: Bearer …` header of a request turned into a Principal, by API key
(citygraph/auth/keys.py) or OpenID Connect JWT (citygraph/auth/oidc.py). See docs/signin.md."""

from cachetools import TTLCache

from citygraph.auth.keys import hash_key, looks_like_key, principal_for_key
from citygraph.auth.oidc import OidcVerifier, TokenRefused, looks_like_jwt
from citygraph.auth.principal import ANONYMOUS, Principal
from citygraph.graph.database import Database
from citygraph.graph.settings import Settings

# A valid key is remembered this long, so a busy client costs one Neo4j lookup per key per 5 s rather than
# one per request. It is also the bound on revocation: `citygraph keys revoke` takes effect in every API
# process within KEY_CACHE_TTL_S seconds. Unknown keys are not remembered (they must not push out valid ones).
KEY_CACHE_TTL_S = 5.0
KEY_CACHE_SIZE = 1024  # distinct live keys per process; far more than London's councils will hold


class SignInRefused(Exception):
    """The request's credentials are refused (or missing where sign-in is required): an HTTP 401. `error` is
    RFC 6750's code for WWW-Authenticate, None when the request carried no credentials at all."""

    def __init__(self, reason: str, error: str | None = "invalid_token"):
        super().__init__(reason)
        self.reason = reason
        self.error = error


class SignIn:
    """One per API process: the key cache and the OIDC verifier (with its cached JWKS)."""

    def __init__(self, settings: Settings, db: Database):
        self.db = db
        self.public_read = settings.public_read
        oidc_settings = (settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url)
        self.oidc = OidcVerifier(settings) if any(oidc_settings) else None  # partly set: OidcVerifier says what is missing
        self.keys: TTLCache[str, Principal] = TTLCache(maxsize=KEY_CACHE_SIZE, ttl=KEY_CACHE_TTL_S)

    async def principal(self, authorization: str | None) -> Principal:
        """ANONYMOUS without credentials (when public reads are on); the signed-in caller; or SignInRefused."""
        if not authorization or not authorization.strip():
            if not self.public_read:
                raise SignInRefused("this server requires sign-in: send Authorization: Bearer <API key or token>", None)
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise SignInRefused("send credentials as Authorization: Bearer <API key or token>", "invalid_request")
        if looks_like_key(token):
            return await self._key(token)
        if looks_like_jwt(token):
            if self.oidc is None:
                raise SignInRefused("this server does not accept tokens (OpenID Connect is not configured)")
            try:
                return await self.oidc.verify(token)
            except TokenRefused as refused:
                raise SignInRefused(str(refused)) from None
        raise SignInRefused("the credential is neither a CityGraph API key (cg_…) nor a JWT")

    async def _key(self, key: str) -> Principal:
        hashed = hash_key(key)  # the cache holds hashes, never keys
        principal = self.keys.get(hashed)
        if principal is None:
            principal = await principal_for_key(self.db, key)
            if principal is None:
                raise SignInRefused("unknown or revoked API key")
            self.keys[hashed] = principal
        return principal
