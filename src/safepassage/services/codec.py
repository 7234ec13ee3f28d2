"""Record bodies: domain dataclasses to compact JSON and back.

Bodies are authenticated ciphertext written by this server, but they are still parsed
strictly: a body that does not match its type raises `BodyFormatError`, never a stray
KeyError or TypeError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

T = TypeVar("T")


class BodyFormatError(ValueError):
    """A stored body does not have the shape of its record kind."""


def encode(obj: object) -> bytes:
    """A dataclass instance as compact JSON bytes."""
    return json.dumps(_to_json(obj), separators=(",", ":"), sort_keys=True).encode()


def decode(cls: type[T], raw: bytes) -> T:
    """An instance of dataclass `cls` from bytes made by `encode`."""
    try:
        return typing.cast(T, _from_json(cls, json.loads(raw)))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise BodyFormatError(f"not a valid {cls.__name__} body") from error


def _to_json(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, frozenset | set):
        return sorted(_to_json(v) for v in value)
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_json(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _from_json(inner, value)
    if origin in (tuple,):
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], v) for v in _list(value))
        return tuple(_from_json(a, v) for a, v in zip(args, _list(value), strict=True))
    if origin in (frozenset, set):
        return frozenset(_from_json(get_args(tp)[0], v) for v in _list(value))
    if origin in (dict, Mapping, typing.Mapping):
        key_type, value_type = get_args(tp)
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return {_from_json(key_type, k): _from_json(value_type, v) for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        hints = _hints(tp)
        kwargs = {
            f.name: _from_json(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp)
            if f.init and f.name in value
        }
        return tp(**kwargs)
    return _scalar(tp, value)


def _scalar(tp: Any, value: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is dt.datetime:
        return dt.datetime.fromisoformat(_str(value))
    if tp is dt.date:
        return dt.date.fromisoformat(_str(value))
    if tp is dt.timedelta and isinstance(value, int | float) and not isinstance(value, bool):
        return dt.timedelta(seconds=value)
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp in (str, int, bool) and type(value) is tp:
        return value
    raise TypeError(f"expected {getattr(tp, '__name__', tp)}")


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
