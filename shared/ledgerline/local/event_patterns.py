"""EventBridge event patterns, evaluated locally (bus rules and Pipe filters from template.yaml).

Supports what the template uses and the common operators: exact values, `prefix`, `suffix`,
`anything-but`, `exists`, `equals-ignore-case`, nested objects; anything else is refused loudly
rather than matched wrongly.
"""

from __future__ import annotations

from typing import Any

_MISSING = object()


class UnsupportedPattern(ValueError):
    pass


def matches(pattern: dict[str, Any], event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    for key, rule in pattern.items():
        value = event.get(key, _MISSING)
        if isinstance(rule, dict):
            if value is _MISSING or not matches(rule, value):
                return False
        elif isinstance(rule, list):
            if not _matches_any(rule, value):
                return False
        else:
            raise UnsupportedPattern(f"pattern values must be lists or objects, not {rule!r}")
    return True


def _matches_any(rules: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(_match(rule, v) for rule in rules for v in values)


def _match(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return value is not _MISSING and value == rule
    (operator, operand), = rule.items()
    if operator == "exists":
        return (value is not _MISSING) == bool(operand)
    if value is _MISSING:
        return False
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    if operator == "suffix":
        return isinstance(value, str) and value.endswith(operand)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(operand).lower()
    if operator == "anything-but":
        excluded = operand if isinstance(operand, list) else [operand]
        return value not in excluded
    raise UnsupportedPattern(f"event pattern operator {operator!r} is not supported locally")
