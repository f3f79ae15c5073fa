from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class StyledFormMixin:
    """Give every widget Tabler's classes so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(w, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""
            else:
                css = "form-control"
            if css:
                w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "工号/手机号或密码不正确，请重新输入。注意密码区分大小写。",
        "inactive": "该账号已停用，请联系学校管理员。",
    }


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="令牌名称", max_length=60, initial="我的集成")
