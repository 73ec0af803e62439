"""Curators and readers: who may change the library through the app (upload, delete).

A curator password is kept only as an argon2id hash (``argon2-cffi``) in ``KB_CURATOR_HASH_FILE`` (default
``<store>/curator.hash``), written by ``kb curator-password``; the password itself is never stored, logged, put in
a URL or echoed in a message. A team with an identity provider uses Streamlit's OIDC login instead (``st.login``,
``[auth]`` in ``.streamlit/secrets.toml``), its curators listed in ``KB_CURATOR_EMAILS``. Failed sign-ins wait
``KB_LOGIN_DELAY_S``, doubled per failure from the same client since its last success (at most ``MAX_DELAY_S``).

With neither configured the app is open to whoever it serves only on a loopback address (``kb app`` serves
127.0.0.1: one person on a laptop notices nothing); served on any other address it is read-only.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kb.config import Config
from kb.errors import KbError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_DELAY_S = 30.0  # the longest wait after failed sign-ins: an attacker's ~2 guesses a minute, a curator's typo 1 s
MIN_PASSWORD_CHARS = 10

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults (~50 ms per check here)


class CuratorError(KbError, ValueError):
    """A curator password that cannot be set (too short, the two entries differ) or a hash file that is not one."""


def set_password(config: Config, password: str) -> Path:
    """Write the hash of ``password`` (never the password) to the curator hash file, readable by its owner only."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise CuratorError(f"a curator password needs at least {MIN_PASSWORD_CHARS} characters")
    target = config.curator_hash_path
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(_hasher.hash(password) + "\n")
    os.replace(tmp, target)
    return target


def remove_password(config: Config) -> bool:
    """Forget the curator password (the app is then open on loopback only, or uses OIDC)."""
    try:
        config.curator_hash_path.unlink()
        return True
    except FileNotFoundError:
        return False


def stored_hash(config: Config) -> str | None:
    try:
        return config.curator_hash_path.read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def has_password(config: Config) -> bool:
    return stored_hash(config) is not None


def check_password(config: Config, password: str) -> bool:
    """Whether ``password`` matches the stored hash (False when there is none or it is not an argon2 hash)."""
    encoded = stored_hash(config)
    if encoded is None or not password:
        return False
    try:
        return _hasher.verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False


def curator_emails(config: Config) -> frozenset[str]:
    return frozenset(e.strip().lower() for e in config.curator_emails.split(",") if e.strip())


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` serves this machine only (unset binds every interface)."""
    return (address or "").strip().strip("[]").lower() in LOOPBACK


class Throttle:
    """Failed sign-ins per client, shared by every session of the process: the n-th failure since the client's last
    success waits ``base × 2^(n-1)`` seconds (at most MAX_DELAY_S) before its answer, so a new browser tab does not
    start again at 1 s."""

    def __init__(self) -> None:
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def failed(self, client: str, base: float) -> float:
        """Count a failure of ``client``; returns the seconds its answer must wait."""
        with self._lock:
            n = self._failures.get(client, 0) + 1
            self._failures[client] = n
        return min(base * 2 ** (n - 1), MAX_DELAY_S) if base > 0 else 0.0

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def failures(self, client: str) -> int:
        with self._lock:
            return self._failures.get(client, 0)


THROTTLE = Throttle()


def sign_in(config: Config, password: str, client: str, sleep=time.sleep) -> bool:
    """Check a password typed in the app; a failure waits (see Throttle) before it is answered."""
    if check_password(config, password):
        THROTTLE.succeeded(client)
        return True
    sleep(THROTTLE.failed(client, config.login_delay_s))
    return False
