from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoben.core.forms import StyledFormMixin
from xiaoben.core.notifications import registered_types

from .models import DigestMode, RobotKind

CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def robot_kind_choices():
    return [(t.key, t.label) for t in registered_types() if t.robot_capable]


def naming_kind_choices():
    """Group-robot types that name people (their robot text uses `%(robot_names)s`, the names
    left after removing whoever asked to be left out): a person may opt out of those."""
    return [(t.key, t.label) for t in registered_types() if t.robot_capable and "%(robot_names)s" in str(t.robot_text)]


def email_kind_choices():
    """Notices a person may also get by e-mail: not the group-only ones (`default_channels=()`,
    sent with no recipients, to group robots only)."""
    return [(t.key, t.label) for t in registered_types() if not t.key.startswith("core.") and t.default_channels]


class RobotForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("机器人类型"), choices=RobotKind.choices)
    name = forms.CharField(label=_("名称"), max_length=60, help_text=_("例如：全体教师群、语文组群"))
    owner = forms.ChoiceField(label=_("发到哪个群"), choices=())
    url = forms.CharField(label=_("Webhook 地址"), required=False, max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    secret = forms.CharField(label=_("加签密钥（钉钉）"), required=False, max_length=200, widget=forms.PasswordInput(render_value=False))
    kinds = forms.MultipleChoiceField(label=_("推送哪些消息"), choices=(), widget=CHECKS, required=False)
    quiet_start = forms.TimeField(label=_("免打扰开始"), required=False, help_text=_("例如 21:30；这段时间的消息在结束后再发"))
    quiet_end = forms.TimeField(label=_("免打扰结束"), required=False, help_text=_("例如 07:00"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, owners=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = list(owners)
        self.fields["kinds"].choices = robot_kind_choices()
        if editing:
            self.fields["url"].help_text = _("已保存，不再显示；留空则保持不变")
            self.fields["secret"].help_text = _("已保存，不再显示；留空则保持不变")
            self.fields["owner"].disabled = True


class PreferencesForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("接收邮件的地址"), required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    email_kinds = forms.MultipleChoiceField(label=_("这些消息同时发邮件"), choices=(), widget=CHECKS, required=False)
    digest = forms.ChoiceField(label=_("邮件发送方式"), choices=DigestMode.choices)
    muted_robot_kinds = forms.MultipleChoiceField(label=_("群消息里不要点我的名字"), choices=(), widget=CHECKS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = email_kind_choices()
        self.fields["muted_robot_kinds"].choices = naming_kind_choices()


class SchoolDefaultsForm(StyledFormMixin, forms.Form):
    email_kinds = forms.MultipleChoiceField(label=_("全校默认：这些消息同时发邮件"), choices=(), widget=CHECKS, required=False)
    digest = forms.ChoiceField(label=_("全校默认：邮件发送方式"), choices=DigestMode.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = email_kind_choices()
