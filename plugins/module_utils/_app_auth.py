# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GitHub App authentication: the app's private key, its JWT, and the installation token that
:class:`._http.GitHubClient` then sends.

PyJWT and cryptography are needed for this only; they are imported when an app key is loaded
(see :func:`load_app_private_key`), so token users do not pay for them at start-up. No message
of this file ever holds the key, the JWT or the token.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ansible_collections.gitops.github.plugins.module_utils._http import (
    GitHubError,
    _BearerAuth,
    _epoch,
    secret_problem,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient

# GitHub App authentication. GitHub rejects a JWT that lives longer than 10 minutes; it is
# back-dated a minute against clock drift. An installation token lives an hour: it is fetched once
# per client (one module run) and fetched again only if a run outlasts it.
APP_TOKEN_PATH = '/app/installations/%d/access_tokens'
JWT_BACKDATE = 60
JWT_LIFETIME = 9 * 60
INSTALLATION_TOKEN_MARGIN = 5 * 60
_MAX_KEY_FILE = 64 * 1024


class AppAuthError(GitHubError):
    """The exchange of a GitHub App's JWT for an installation token failed."""

    def __init__(self, app: GitHubApp, error: GitHubError) -> None:
        self.app_id = app.app_id
        self.installation_id = app.installation_id
        super().__init__(error.method, error.path, error.status, error.message, error.documentation_url)

    def describe(self) -> str:
        text = 'could not authenticate as GitHub App %s, installation %s: %s' % (
            self.app_id, self.installation_id, super().describe())
        if self.status == 401:
            text += ' (check app_id and app_private_key: the key must be a current private key of that app)'
        elif self.status == 404:
            text += ' (check app_installation_id: the app must be installed on the organization)'
        return text


class AppKeyError(ValueError):
    """An app private key that cannot be used. The message never holds the key."""


class MissingLibraryError(ImportError):
    """A Python library that GitHub App authentication needs is not installed."""

    def __init__(self, library: str, error: ImportError) -> None:
        self.library = library
        self.error = error
        super().__init__('%s is needed for GitHub App authentication: %s' % (library, error))


def _import_jwt() -> Any:
    """PyJWT, imported on first use."""
    try:
        import jwt
    except ImportError as exc:
        raise MissingLibraryError('PyJWT', exc) from None
    return jwt


def read_app_private_key(value: str | None) -> bytes:
    """The PEM bytes of ``value``: PEM text (also with ``\\n`` escapes, as some secret stores keep
    it), or the path of a PEM file. Raises :class:`AppKeyError`, whose message never holds
    ``value``: a mistyped key would otherwise be printed as a "path"."""
    text = (value or '').strip()
    if any((ord(c) < 0x20 and c not in '\n\r\t') or ord(c) == 0x7f for c in text):
        raise AppKeyError('app_private_key contains control characters; give the PEM text or file path as GitHub '
                          'generated it (the value is not shown)')
    if '-----BEGIN' in text:
        if '\n' not in text and '\\n' in text:
            text = text.replace('\\n', '\n')
        return text.encode('utf-8')
    if not text or '\n' in text:
        raise AppKeyError('app_private_key is neither PEM text (-----BEGIN ... PRIVATE KEY-----) nor the path of a PEM file')
    try:
        with open(os.path.expanduser(text), 'rb') as handle:
            data = handle.read(_MAX_KEY_FILE + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, 'strerror', None) or type(exc).__name__
        raise AppKeyError('app_private_key is neither PEM text (-----BEGIN ... PRIVATE KEY-----) nor the path '
                          'of a readable PEM file (%s)' % reason) from None
    if len(data) > _MAX_KEY_FILE or b'-----BEGIN' not in data:
        raise AppKeyError('app_private_key names a file that holds no PEM private key')
    return data


def load_app_private_key(value: str | None) -> RSAPrivateKey:
    """Parse an app's RSA private key (PEM text or path); raises :class:`AppKeyError` or
    :class:`MissingLibraryError`."""
    data = read_app_private_key(value)
    _import_jwt()
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError as exc:  # PyJWT signs RS256 with cryptography
        raise MissingLibraryError('cryptography', exc) from None
    if b'ENCRYPTED PRIVATE KEY-----' in data or b'Proc-Type: 4,ENCRYPTED' in data:
        raise AppKeyError('app_private_key is encrypted with a passphrase; give the key as GitHub generated it (unencrypted)')
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # Only the kind of failure: the message must never carry key material.
        raise AppKeyError('app_private_key is not a valid PEM private key (%s)' % type(exc).__name__) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise AppKeyError('app_private_key is not an RSA key; GitHub App private keys are RSA keys')
    return key


class GitHubApp(object):
    """A GitHub App installation to act as: the app id (or client id), the installation id and
    the app's private key (parsed; never shown)."""

    def __init__(self, app_id: str | int, installation_id: int | str,
                 private_key: str | RSAPrivateKey) -> None:
        self.app_id = str(app_id)
        self.installation_id = int(installation_id)
        self._key = load_app_private_key(private_key) if isinstance(private_key, str) else private_key
        self._token: str | None = None
        self._token_expires = 0.0  # epoch time; read only once a token is held

    def secret_texts(self) -> list[str]:
        """The private key's material as text could quote it: each base64 line of its PEM forms
        (PKCS#1, as GitHub generates it, and PKCS#8). For scrubbing only; never shown."""
        try:
            from cryptography.hazmat.primitives import serialization
        except ImportError:  # a key object from elsewhere: nothing to derive the lines with
            return []
        lines = []
        for form in (serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8):
            try:
                pem = self._key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption())
            except (AttributeError, TypeError, ValueError):
                continue
            for line in pem.decode('ascii').splitlines():
                line = line.strip()
                if len(line) >= 16 and not line.startswith('-----') and line not in lines:
                    lines.append(line)
        return lines

    def make_jwt(self, now: float) -> str:
        """The JWT that authenticates as the app: RS256, issued a minute ago, valid nine minutes."""
        jwt = _import_jwt()
        now = int(now)
        token = jwt.encode({'iat': now - JWT_BACKDATE, 'exp': now + JWT_LIFETIME, 'iss': self.app_id},
                           self._key, algorithm='RS256')
        return token.decode('ascii') if isinstance(token, bytes) else token

    def installation_token(self, client: GitHubClient) -> str:
        """The installation token, exchanged for the app's JWT through ``client`` (a
        :class:`._http.GitHubClient`) on first use and again only when it expires within
        ``INSTALLATION_TOKEN_MARGIN``. Raises :class:`AppAuthError`; never shows the token."""
        now = client.clock()
        if self._token is not None and now < self._token_expires - INSTALLATION_TOKEN_MARGIN:
            return self._token
        path = APP_TOKEN_PATH % self.installation_id
        try:
            resp = client.request('POST', path, expected=(201,), _auth=_BearerAuth(self.make_jwt(now)))
        except GitHubError as exc:
            raise AppAuthError(self, exc) from None
        data = resp.data if isinstance(resp.data, dict) else {}
        token = data.get('token')
        if not isinstance(token, str) or not token:
            raise AppAuthError(self, GitHubError('POST', path, resp.status, 'the answer holds no token'))
        if secret_problem(token, 'token'):
            raise AppAuthError(self, GitHubError('POST', path, resp.status, 'the answer holds a token that is not one '
                                                 'printable word (not shown)'))
        # Without a readable expiry, assume GitHub's documented hour; with a skewed clock, still
        # never ask again within the next five minutes.
        now = client.clock()
        self._token = token
        self._token_expires = max(_epoch(data.get('expires_at')) or now + 3600, now + 2 * INSTALLATION_TOKEN_MARGIN)
        return token

    def __repr__(self) -> str:
        return '<GitHubApp %s installation %s, key redacted>' % (self.app_id, self.installation_id)
