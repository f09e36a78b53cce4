"""Django's minimum-length password check, with its message in Chinese.

Django 5.2's zh-hans catalogue lacks the new wording of this one message, so users would
read it in English; the other validators' messages are translated.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"
