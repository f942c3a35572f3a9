"""A real SMTP server in the test process (aiosmtpd), for every test that sends mail:

    def test_…(smtp_server):
        …                                   # EMAIL_BACKEND is SMTP, pointed at the server
        [message] = smtp_server.messages     # email.message.EmailMessage, parsed back
        smtp_server.mode = "refuse"          # 554 to every message; "hang": never answers DATA

Registered for all tests by tests/conftest.py (pytest_plugins)."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server received, and how it answers ("accept", "refuse" or "hang")."""

    def __init__(self) -> None:
        self.mode = "accept"
        self.messages: list[EmailMessage] = []
        self.envelopes: list = []
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.mode == "refuse":
            return "554 5.7.1 Message refused"
        if self.mode == "hang":
            await asyncio.sleep(3600)
        with self.received:
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.received.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.received:
            return self.received.wait_for(lambda: len(self.messages) >= count, timeout=timeout)


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, ready_timeout=10)

    def __enter__(self) -> Inbox:
        self.controller.start()
        self.inbox.host, self.inbox.port = "127.0.0.1", self.port
        return self.inbox

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server(settings):
    with SmtpServer() as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = inbox.host
        settings.EMAIL_PORT = inbox.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 2
        yield inbox
