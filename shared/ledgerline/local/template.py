"""Reads template.yaml, the one source of wiring: the table's shape and each function's routes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = PROJECT_ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form tags (!Ref, !Sub, …) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {f"!{suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def table_definition(table_name: str, path: Path = TEMPLATE) -> dict[str, Any]:
    """CreateTable arguments for the template's table, so local and deployed tables cannot drift."""
    props = load_template(path)["Resources"]["Table"]["Properties"]
    return {
        "TableName": table_name,
        "BillingMode": props["BillingMode"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props.get("GlobalSecondaryIndexes", []),
        "StreamSpecification": {"StreamEnabled": True, **props["StreamSpecification"]},
    }


def ttl_attribute(path: Path = TEMPLATE) -> str:
    return load_template(path)["Resources"]["Table"]["Properties"]["TimeToLiveSpecification"]["AttributeName"]


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str


def api_routes(path: Path = TEMPLATE) -> list[Route]:
    """Every `Type: Api` event of every function, with the function's code folder name."""
    routes = []
    for resource in load_template(path)["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        function = Path(props["CodeUri"]).name
        for event in (props.get("Events") or {}).values():
            if event["Type"] == "Api":
                routes.append(Route(function, event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
    return routes
