"""Creates the single table (as template.yaml declares it) on DynamoDB Local or any endpoint."""

from __future__ import annotations

from ledgerline.local.template import table_definition, ttl_attribute
from ledgerline.settings import get_settings
from ledgerline.store.table import connection


def ensure_table() -> bool:
    """Create the table if it is missing; True when it was created now."""
    client = connection().connection.client
    name = get_settings().table_name
    if name in client.list_tables()["TableNames"]:
        return False
    client.create_table(**table_definition(name))
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    client.update_time_to_live(TableName=name,
                               TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute()})
    return True


def drop_table() -> None:
    client = connection().connection.client
    client.delete_table(TableName=get_settings().table_name)
