from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "xiaoben.mentoring"
    label = "mentoring"
    verbose_name = "师徒结对"
