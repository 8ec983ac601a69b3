"""`samverkan check --deploy` is clean with the production settings of docs/operations.md,
and warns without them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
BIN = Path(sys.executable).parent / "samverkan"


def documented_production_env() -> dict[str, str]:
    """The variables of the ``production.env`` block in docs/operations.md."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```(?:sh|bash|ini)?\n# production\.env\n(.*?)```", text, re.DOTALL)
    assert block, "docs/operations.md has no production.env block"
    pairs = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def check_deploy(tmp_path, extra):
    # The browser tests allow Django's async-unsafe calls in this process (Playwright runs
    # an event loop); a production server never has that switch.
    unset = ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(SAMVERKAN_DATA=str(tmp_path), **extra)
    return subprocess.run(
        [str(BIN), "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_documented_production_settings_pass_the_deploy_check(tmp_path):
    production = documented_production_env()
    # Secrets and the database come from the installation, not the docs.
    production = {
        k: v
        for k, v in production.items()
        if k not in ("SECRET_KEY", "CASES_ENCRYPTION_KEY", "DATABASE_URL")
    }
    for needed in ("SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        assert needed in production
    result = check_deploy(tmp_path, production)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_without_them_the_deploy_check_warns(tmp_path):
    output = check_deploy(tmp_path, {}).stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_https_behind_the_proxy_is_recognised(client, settings, db):
    # /halsa/ checks the database, and the login page reads the session: both need it.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/konto/logga-in/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/konto/logga-in/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    # The load balancer's health check is answered over plain HTTP.
    assert client.get("/halsa/").status_code == 200
