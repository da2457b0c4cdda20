"""Reads template.yaml, the one source of wiring: the table's shape and each function's routes."""

from __future__ import annotations

import json
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


# ---------------------------------------------------------------- events: pipe, bus rules, queues


def _function_folders() -> dict[str, str]:
    """Logical id of each function → its code folder name."""
    return {name: Path(r["Properties"]["CodeUri"]).name for name, r in load_template()["Resources"].items()
            if r.get("Type") == "AWS::Serverless::Function"}


def _ref(value: Any) -> str | None:
    """The logical id a `!Ref X` or `!GetAtt X.Attr` points at."""
    if isinstance(value, dict):
        if "!Ref" in value:
            return value["!Ref"]
        if "!GetAtt" in value:
            target = value["!GetAtt"]
            return (target if isinstance(target, str) else ".".join(target)).split(".", 1)[0]
        if "Ref" in value:
            return value["Ref"]
    return None


@dataclass(frozen=True)
class Pipe:
    """The pipe from the table's stream to the bus: its filters, how it shapes events, which bus."""

    filters: list[dict[str, Any]]
    input_template: str
    detail_type: str
    source: str
    bus: str


def outbox_pipe(table: str = "Table") -> Pipe:
    for resource in load_template()["Resources"].values():
        props = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Pipes::Pipe" and _ref(props.get("Source")) == table:
            target = props["TargetParameters"]
            filters = (props.get("SourceParameters") or {}).get("FilterCriteria", {}).get("Filters", [])
            return Pipe(
                filters=[json.loads(f["Pattern"]) for f in filters],
                input_template=target["InputTemplate"],
                detail_type=target["EventBridgeEventBusParameters"]["DetailType"],
                source=target["EventBridgeEventBusParameters"]["Source"],
                bus=_ref(props["Target"]) or "",
            )
    raise LookupError(f"template.yaml has no AWS::Pipes::Pipe reading the stream of {table}")


@dataclass(frozen=True)
class BusRule:
    name: str
    function: str  # code folder of the target function
    pattern: dict[str, Any]


def bus_rules(bus: str) -> list[BusRule]:
    """Rules on the bus with a function target: SAM EventBridgeRule events and AWS::Events::Rule resources."""
    resources, folders, rules = load_template()["Resources"], _function_folders(), []
    for name, resource in resources.items():
        if resource.get("Type") == "AWS::Serverless::Function":
            for event_name, event in (resource["Properties"].get("Events") or {}).items():
                props = event.get("Properties") or {}
                if event["Type"] == "EventBridgeRule" and _ref(props.get("EventBusName")) == bus:
                    rules.append(BusRule(f"{name}.{event_name}", folders[name], props["Pattern"]))
        elif resource.get("Type") == "AWS::Events::Rule":
            props = resource["Properties"]
            if _ref(props.get("EventBusName")) != bus:
                continue
            for target in props.get("Targets", []):
                if _ref(target.get("Arn")) in folders:
                    rules.append(BusRule(name, folders[_ref(target["Arn"])], props["EventPattern"]))
    return rules


@dataclass(frozen=True)
class QueueWiring:
    consumers: list[str]  # code folders of the functions it feeds
    batch_size: int
    visibility_timeout: int
    max_receive_count: int | None


def queue_wiring(queue: str) -> QueueWiring:
    resources = load_template()["Resources"]
    props = resources[queue]["Properties"]
    consumers, batch = [], 10
    for name, folder in _function_folders().items():
        for event in (resources[name]["Properties"].get("Events") or {}).values():
            if event["Type"] == "SQS" and _ref(event["Properties"]["Queue"]) == queue:
                consumers.append(folder)
                batch = int(event["Properties"].get("BatchSize", batch))
    redrive = props.get("RedrivePolicy") or {}
    return QueueWiring(consumers, batch, int(props.get("VisibilityTimeout", 30)),
                       int(redrive["maxReceiveCount"]) if "maxReceiveCount" in redrive else None)


def queue_of_setting(variable: str) -> str:
    """The queue whose URL the template hands functions in `variable` (the same for every function)."""
    queues = set()
    for resource in load_template()["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            env = ((resource["Properties"].get("Environment") or {}).get("Variables") or {})
            if variable in env:
                queues.add(_ref(env[variable]))
    if len(queues) != 1:
        raise LookupError(f"expected one queue behind {variable} in template.yaml, found {sorted(map(str, queues))}")
    return queues.pop()  # type: ignore[return-value]
