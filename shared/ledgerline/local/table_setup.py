"""Creates the single table (as template.yaml declares it) on DynamoDB Local or any endpoint."""

from __future__ import annotations

from ledgerline.local.template import table_definition, ttl_attribute
from ledgerline.settings import get_settings
from ledgerline.store.table import connection


def ensure_table() -> bool:
    """Create the table if it is missing, or add indexes the template gained since; True when created."""
    client = connection().connection.client
    name = get_settings().table_name
    definition = table_definition(name)
    if name in client.list_tables()["TableNames"]:
        _add_missing_indexes(client, definition)
        return False
    client.create_table(**definition)
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    client.update_time_to_live(TableName=name,
                               TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute()})
    return True


def _add_missing_indexes(client, definition: dict) -> None:  # type: ignore[no-untyped-def]
    """Local data kept across upgrades: add the GSIs a newer template declares."""
    name = definition["TableName"]
    existing = {gsi["IndexName"] for gsi in client.describe_table(TableName=name)["Table"].get(
        "GlobalSecondaryIndexes", [])}
    for index in definition["GlobalSecondaryIndexes"]:
        if index["IndexName"] not in existing:
            client.update_table(TableName=name, AttributeDefinitions=definition["AttributeDefinitions"],
                                GlobalSecondaryIndexUpdates=[{"Create": index}])


def drop_table() -> None:
    client = connection().connection.client
    client.delete_table(TableName=get_settings().table_name)
