"""`Authorization: Token <raw token>` for agency systems. The token is looked up by its SHA-256
hash and signs the request in as the token's service user (the agency role, the agency's id), so
the referrals API treats the system exactly as it treats the agency's staff. The raw token is never
stored or logged, and a refusal never repeats it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import APIException

from referrals import tokens

KEYWORD = "Token"


class TokenRefused(APIException):
    """401 with `WWW-Authenticate: Token`. (DRF turns its own AuthenticationFailed into 403 here,
    because SessionAuthentication comes first and names no scheme.)"""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The token is not valid, or has been revoked."
    default_code = "authentication_failed"
    auth_header = KEYWORD


class AgencyTokenAuthentication(BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise TokenRefused("Give the header as 'Authorization: Token <your token>'.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenRefused() from None
        token = tokens.find_active(raw)
        if token is None or token.user.agency_id != token.agency_id:
            raise TokenRefused()
        tokens.touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class AgencyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "referrals.api.authentication.AgencyTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An agency system's token, issued by an administrator: "
                "`Authorization: Token <token>`."
            ),
        }
