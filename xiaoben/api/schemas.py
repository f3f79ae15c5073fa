"""Shared API schemas and errors."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class Ref(Schema):
    id: int
    name: str
