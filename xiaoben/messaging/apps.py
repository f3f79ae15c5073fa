from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "xiaoben.messaging"
    label = "messaging"
    verbose_name = "消息推送"

    def ready(self) -> None:
        # core.notify() hands every new notice to the channels after commit;
        # core does not import this app (the arrow points down).
        from xiaoben.core.notifications import register_dispatcher

        from . import dispatch, reminders  # noqa: F401  (reminders registers its scheduled notices)

        register_dispatcher(dispatch.dispatch_notice)
