"""Browser tests use the shared fixtures of xiaoben.core.testing_browser."""

from xiaoben.core.testing_browser import shot, sign_in

__all__ = ["shot", "sign_in"]
