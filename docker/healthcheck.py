"""The image's HEALTHCHECK: exit 0 when the daemon's ``GET /healthz`` answers 200, 1 otherwise.

Python rather than curl because the slim base images carry no HTTP client. The port comes from
``PORTALWATCH_HTTP_PORT`` (the daemon's own setting, default 8080), so moving the port in ``.env``
moves the check with it. Standard library only: it must run even if the project's install is broken.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORTALWATCH_HTTP_PORT", "8080").strip() or "8080"
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=8) as response:
            body = response.read(2000).decode("utf-8", "replace")
            print(f"{response.status} {body}")
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:  # 503: the daemon says it is unhealthy, and why
        print(f"{exc.code} {exc.read(2000).decode('utf-8', 'replace')}")
    except (OSError, ValueError) as exc:  # not listening (yet), timed out, bad port
        print(f"{url}: {exc}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
