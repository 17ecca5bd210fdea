"""The applications' messages built by the mail worker: an application declined, with the coordinator's reason.
(The invitation's mail, with its set-password link, is accounts'.)"""

from django.utils.translation import gettext_noop

from backend.core.mail import Mail, mail_message, mail_render
from backend.experts.models import ApplicationStatus, ExpertApplication


@mail_message("application_declined")
def application_declined_mail(application_id: int) -> Mail | None:
    application = ExpertApplication.objects.select_related("prefecture").filter(
        pk=application_id, status=ApplicationStatus.DECLINED).first()
    if application is None:
        return None
    return mail_render(to=application.email, language=application.language,
                       subject=gettext_noop("【kenmu】%(prefecture)sへの応募について"),
                       template="experts/mail/application_declined.txt",
                       context={"prefecture": application.prefecture.name, "name": application.name,
                                "reason": application.decision_reason})
