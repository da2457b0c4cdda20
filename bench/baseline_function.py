"""The cold-start baseline: a minimal FastAPI + Mangum + PynamoDB function with one GetItem route."""

from contextlib import suppress

from fastapi import FastAPI
from mangum import Mangum
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from ledgerline.settings import get_settings


class Thing(Model):
    class Meta:
        table_name = get_settings().table_name
        host = get_settings().dynamodb_endpoint
        region = "us-east-1"
        aws_access_key_id = "local"
        aws_secret_access_key = "local"

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")


app = FastAPI()


@app.get("/v1/parties/{id}")
def get(id: str) -> dict[str, str]:
    with suppress(DoesNotExist):
        Thing.get("T#bench", f"PARTY#{id}")
    return {"id": id}


handler = Mangum(app, lifespan="off")
