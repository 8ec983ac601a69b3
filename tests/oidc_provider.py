"""A small but real OpenID Connect provider for the tests (authorisation code flow).

It runs ``http.server`` in a thread on 127.0.0.1 and speaks the protocol for real: a
discovery document, a JWKS with an RSA key made with ``cryptography``, ``/authorize``
(approves the configured test user at once and redirects back with a one-time code),
``/token`` (checks the client's secret, the code and the redirect URI, and issues an
RS256-signed ID token with ``iss``, ``aud``, ``exp``, ``nonce`` and the user's claims) and
``/userinfo``. The client under test talks to it over HTTP exactly as to Keycloak or
Entra ID; nothing in the client is mocked.

To test that the client refuses forged answers, the provider can misbehave on request:
sign with a key it does not publish, name another audience or issuer, issue an expired
token, or answer a token request with an ID token it issued earlier (a replayed nonce).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey


def _rsa_key(kid: str) -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return RSAKey.import_key(pem, {"kid": kid, "use": "sig", "alg": "RS256"})


class OIDCProvider:
    """Start with :meth:`start`, stop with :meth:`stop` (or use as a context manager)."""

    def __init__(self, client_id="samverkan", client_secret="hemligt-klientlosen"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = _rsa_key("test-key-1")
        # Never published: a token signed with it has a bad signature.
        self.rogue_key = _rsa_key("test-key-1")
        self.user: dict = {}
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.issued_id_tokens: list[str] = []
        # Misbehaviour, for the refusal tests.
        self.sign_with_rogue_key = False
        self.audience: str | None = None
        self.issuer_claim: str | None = None
        self.azp: str | None = None
        self.lifetime = 300
        self.replay_last_id_token = False
        self.groups_in_userinfo_only = False
        self.token_requests = 0
        # RP-initiated logout: the requests to /logout, and whether it is advertised at all.
        self.logouts: list[dict] = []
        self.supports_logout = True
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def start(self) -> OIDCProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # The protocol ------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "scopes_supported": ["openid", "email", "profile"],
        } | ({"end_session_endpoint": self.issuer + "/logout"} if self.supports_logout else {})

    def logout(self, query: dict) -> tuple[int, dict, str]:
        """End the session named by ``id_token_hint`` (one this provider issued) and go back."""
        known = query.get("id_token_hint") in self.issued_id_tokens
        self.logouts.append({**query, "known_token": known})
        if not known:
            return 400, {}, "invalid id_token_hint"
        back = query.get("post_logout_redirect_uri")
        return (302, {"Location": back}, "") if back else (200, {}, "signed out")

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    def authorize(self, query: dict) -> tuple[int, dict, str]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, "unauthorized_client"
        if "openid" not in query.get("scope", "").split():
            return 400, {}, "invalid_scope"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "user": dict(self.user),
        }
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        sep = "&" if "?" in query["redirect_uri"] else "?"
        return 302, {"Location": query["redirect_uri"] + sep + urlencode(params)}, ""

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        self.token_requests += 1
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _sep, secret = decoded.partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        user = grant["user"]
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = user
        if self.replay_last_id_token and self.issued_id_tokens:
            id_token = self.issued_id_tokens[-1]
        else:
            id_token = self.id_token(user, grant["nonce"])
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def id_token(self, user: dict, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer_claim or self.issuer,
            "aud": self.client_id if self.audience is None else self.audience,
            "iat": now,
            "exp": now + self.lifetime,
            "auth_time": now,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        if not claims["aud"]:
            del claims["aud"]
        if self.azp:
            claims["azp"] = self.azp
        user_claims = dict(user)
        if self.groups_in_userinfo_only:
            user_claims.pop("groups", None)
        claims.update(user_claims)
        key = self.rogue_key if self.sign_with_rogue_key else self.key
        token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        self.issued_id_tokens.append(token)
        return token

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        user = self.access_tokens.get(authorization.removeprefix("Bearer ").strip())
        if user is None:
            return 401, {"error": "invalid_token"}
        return 200, dict(user)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                auth = self.headers.get("Authorization", "")
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif url.path == "/jwks":
                    self._json(200, provider.jwks())
                elif url.path == "/authorize":
                    status, headers, error = provider.authorize(query)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(error)))
                    self.end_headers()
                    self.wfile.write(error.encode())
                elif url.path == "/userinfo":
                    self._json(*provider.userinfo(auth))
                elif url.path == "/logout" and provider.supports_logout:
                    status, headers, text = provider.logout(query)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text.encode())
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                auth = self.headers.get("Authorization", "")
                if url.path == "/token":
                    self._json(*provider.token(form, auth))
                elif url.path == "/userinfo":
                    self._json(*provider.userinfo(auth))
                else:
                    self._json(404, {"error": "not_found"})

        return Handler
