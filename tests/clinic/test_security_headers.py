"""Pages forbid inline scripts and styles and framing; templates give them none to forbid."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = re.compile(r"""<script>|<script\s+(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|\sstyle=""", re.IGNORECASE)


def test_pages_send_a_content_security_policy_without_inline_code(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_scripts_handlers_or_styles():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []
