"""A browser for tests and benchmarks that talk to a real server over HTTP (gunicorn): its own
cookies kept by hand (the production cookies are Secure, the test server speaks plain HTTP), its
client address as the proxy would pass it on, and the CSRF token of a page."""

from __future__ import annotations

import html
import http.client
import re
import urllib.parse
from dataclasses import dataclass, field

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Browser:
    """One person's browser behind the proxy: their cookies and client address (what nginx
    puts in X-Forwarded-For), sent to whichever host is asked."""

    address: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    secure: bool = True  # as behind the TLS proxy (X-Forwarded-Proto: https)

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        """(status, Location, body text, headers) of one request."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"X-Forwarded-Proto": "https" if self.secure else "http"}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # over HTTPS Flask-WTF also checks that a form comes from the site's own pages
            scheme = "https" if self.secure else "http"
            headers["Referer"] = f"{scheme}://127.0.0.1:{port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location") or "", text, response.headers

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def token(self, port: int, path: str) -> str:
        status, _location, page, _headers = self.request(port, "GET", path)
        assert status == 200, (path, status)
        return html.unescape(CSRF.search(page).group(1))

    def log_in(self, port: int, username: str, password: str) -> int:
        token = self.token(port, "/login")
        form = {"username": username, "password": password, "csrf_token": token}
        return self.request(port, "POST", "/login", form)[0]
