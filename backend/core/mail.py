"""Mail: what each kind of message says and to whom, and the one place mail leaves the server.

Services never send mail. They call `backend.core.tasks.mail_enqueue(message=..., object_id=...)`, which
queues `send_mail_task` once their transaction commits; the task worker builds the message from the
database (so secrets such as a set-password link exist only in the worker's memory and the mail, never in a
task row) and sends it through the backend EMAIL_URL configures. Each app registers its messages with
`@mail_message("name")` in a module its AppConfig imports.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


# name -> builder(object_id) returning the Mail, or None when there is nothing to send any more
MESSAGES: dict[str, Callable[[int], Mail | None]] = {}


def mail_message(name: str):
    def register(builder: Callable[[int], Mail | None]):
        MESSAGES[name] = builder
        return builder

    return register


def mail_render(*, to: str, language: str, subject: str, template: str, context: dict) -> Mail:
    """A message in the recipient's language: `subject` is a msgid, translated here, and the template is
    rendered under the same language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return Mail(to=to, subject=str(translation.gettext(subject) % context),
                    body=render_to_string(template, {**context, "base_url": settings.KENMU_BASE_URL}))


def link(path: str) -> str:
    return f"{settings.KENMU_BASE_URL}{path}"


def mail_send(*, message: str, object_id: int) -> str:
    """Build the message and send it; what the task records as its result."""
    mail = MESSAGES[message](object_id)
    if mail is None:
        return "nothing to send"
    EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
    return f"sent {message} to {mail.to}"
