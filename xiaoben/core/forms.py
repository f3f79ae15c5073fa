from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from .params import int_param

Clean = Callable[[Any], Any]

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


def _bounded_choice_clean(clean: Clean) -> Clean:
    """A record picked by id: an id no database column can hold is not a choice (SQLite cannot
    even bind 99999999999999999999 and answered 500)."""

    def checked(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            text = str(v).strip() if v is not None else ""
            if text.lstrip("+-").isdigit() and text.isascii() and int_param(text) is None:
                raise ValidationError("选择的项目不存在，请重新选择。", code="invalid_choice")
        return clean(value)

    return checked


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_controls(clean: Clean) -> Clean:
    """Invisible control characters (pasted from other programs) never reach the database:
    they break Word and Excel documents made from the text later."""

    def wrapped(value: Any) -> Any:
        if isinstance(value, str):
            value = _CONTROLS.sub("", value)
        return clean(value)

    return wrapped


class StyledFormMixin(_FormBase):
    """Give every widget Tabler's classes so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
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
            if isinstance(field, forms.ModelChoiceField):
                setattr(field, "clean", _bounded_choice_clean(field.clean))  # noqa: B010 (wraps the bound method)
            elif isinstance(field, forms.CharField):
                setattr(field, "clean", _without_controls(field.clean))  # noqa: B010 (wraps the bound method)
                if field.max_length is not None:  # the words of core.validation.too_long, as the API says them
                    field.error_messages["max_length"] = (
                        f"「{field.label}」最多 %(limit_value)d 字，现在有 %(show_value)d 字，请删减后再保存。"
                    )


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "工号/手机号或密码不正确，请重新输入。注意密码区分大小写。",
        "inactive": "该账号已停用，请联系学校管理员。",
    }


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="令牌名称", max_length=60, initial="我的集成")
