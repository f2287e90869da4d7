"""OpenID Connect access tokens (JWTs) from a council's identity provider (Entra ID, Okta, Keycloak …),
checked with PyJWT: signature against the provider's published keys (JWKS), expiry, not-before, issuer and
audience. Two claims say the role and the boroughs (docs/signin.md)."""

import asyncio
from collections.abc import Iterable

import jwt

from citygraph.auth.principal import Principal, Role
from citygraph.graph.settings import Settings

# Asymmetric algorithms only. `none` would accept unsigned tokens, and HS* would let anyone holding the
# public JWKS key "sign" a token with it as an HMAC secret (the algorithm-confusion attack).
ALGORITHMS = ["RS256", "ES256"]
LEEWAY_S = 30  # clock skew tolerated between the identity provider and this server
JWKS_CACHE_S = 300  # how long PyJWKClient keeps the provider's keys; a new key id triggers a refetch anyway
JWKS_TIMEOUT_S = 5
ROLE_ORDER = (Role.MEMBER, Role.EDITOR, Role.ADMIN)


class TokenRefused(Exception):
    """The token is not one this server accepts; the message is a one-line reason for the caller."""


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


class OidcVerifier:
    def __init__(self, settings: Settings):
        if not (settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url):
            raise ValueError("OIDC needs CITYGRAPH_OIDC_ISSUER, CITYGRAPH_OIDC_AUDIENCE and CITYGRAPH_OIDC_JWKS_URL")
        self.issuer = settings.oidc_issuer
        self.audience = settings.oidc_audience
        self.role_claim = settings.oidc_role_claim
        self.boroughs_claim = settings.oidc_boroughs_claim
        self.name_claim = settings.oidc_name_claim
        # PyJWKClient caches the key set (and each signing key) and refetches when a token names a key id it
        # has not seen, which is how providers roll their keys.
        self.jwks = jwt.PyJWKClient(
            settings.oidc_jwks_url, cache_jwk_set=True, lifespan=JWKS_CACHE_S, timeout=JWKS_TIMEOUT_S
        )

    async def verify(self, token: str) -> Principal:
        """The caller the token stands for, or TokenRefused saying why not."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenRefused(f"the token is not a JWT: {error}") from None
        if header.get("alg") not in ALGORITHMS:
            raise TokenRefused(f"the token's algorithm {header.get('alg')!r} is not accepted (only {', '.join(ALGORITHMS)})")
        try:
            # The fetch is blocking I/O (urllib): in a thread, so the event loop keeps serving other requests.
            signing_key = await asyncio.to_thread(self.jwks.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientConnectionError:
            raise TokenRefused("the identity provider's keys (JWKS) could not be fetched") from None
        except jwt.PyJWKClientError as error:
            raise TokenRefused(f"the token's signing key is not one the identity provider publishes: {error}") from None
        try:
            claims = jwt.decode(
                token,
                signing_key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRefused("the token has expired") from None
        except jwt.InvalidTokenError as error:  # bad signature, audience, issuer, nbf, missing claim …
            raise TokenRefused(f"the token is not valid: {error}") from None
        return self._principal(claims)

    def _principal(self, claims: dict) -> Principal:
        name = claims.get(self.name_claim) or claims["sub"]
        role = self._role(claims.get(self.role_claim))
        boroughs = frozenset(_strings(claims.get(self.boroughs_claim)))
        if role is Role.EDITOR and not boroughs:
            raise TokenRefused(f"an editor token needs the boroughs it may change in its {self.boroughs_claim!r} claim")
        return Principal(name=str(name), role=role, boroughs=boroughs if role is Role.EDITOR else frozenset())

    def _role(self, value: object) -> Role:
        """No role claim: a member (any valid token for this audience is a signed-in council). A list (Entra
        ID's `roles`): the highest CityGraph role in it. An unknown role is refused rather than guessed."""
        if value is None:
            return Role.MEMBER
        names = set(_strings(value))
        known = [role for role in ROLE_ORDER if role.value in names]
        if not known:
            raise TokenRefused(f"the token's {self.role_claim!r} claim names no CityGraph role (member, editor, admin)")
        return known[-1]


def _strings(value: object) -> Iterable[str]:
    """A claim as strings: a JSON list, or one string of space- or comma-separated values."""
    if value is None:
        return ()
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return ()
