"""Tests import the fake robot from here; it lives in `xiaoben.messaging.fakerobot` so that
`manage.py fake_robot` can start it by hand."""

from xiaoben.messaging.fakerobot import FakeRobot

__all__ = ["FakeRobot"]
