"""Test plumbing for mail: a real SMTP server on loopback (aiosmtpd), and running the queued mail tasks
with the worker command the service runs."""

import email
import email.policy
import socket
from dataclasses import dataclass, field

from django.core.management import call_command


def run_queued_tasks() -> None:
    """What `manage.py run_worker` does, once over the queue: django_tasks_db's worker in batch mode."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["subject"]).strip()  # an encoded header may come folded onto a new line

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class SmtpInbox:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
