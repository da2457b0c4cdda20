"""templates/tenant.yaml: it lints, it uses the service token the main stack exports, and it sends the
provisioner exactly the properties the provisioner takes and reads the attributes it returns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ledgerline.domain.tenants import Plan
from ledgerline.local.template import TEMPLATE, load_template
from ledgerline.provisioning.custom_resource import TenantProperties
from tests.conftest import ROOT, load_event

TENANT_TEMPLATE = ROOT / "templates" / "tenant.yaml"
BIN = Path(sys.executable).parent


def test_the_tenant_template_passes_cfn_lint():
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    run = subprocess.run([str(BIN / "cfn-lint"), str(TENANT_TEMPLATE)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_it_imports_the_service_token_the_main_stack_exports():
    exported = load_template(TEMPLATE)["Outputs"]["TenantProvisionerServiceToken"]
    assert exported["Value"] == {"!GetAtt": "TenantProvisionerFunction.Arn"}
    assert exported["Export"]["Name"] == {"!Sub": "${AWS::StackName}-TenantProvisionerServiceToken"}
    tenant = load_template(TENANT_TEMPLATE)["Resources"]["Tenant"]
    assert tenant["Type"] == "Custom::LedgerlineTenant"
    assert tenant["Properties"]["ServiceToken"] == {
        "!ImportValue": {"Fn::Sub": "${LedgerlineStackName}-TenantProvisionerServiceToken"}}


def test_its_properties_are_the_ones_the_provisioner_takes_and_its_outputs_the_attributes_it_returns():
    template = load_template(TENANT_TEMPLATE)
    properties = set(template["Resources"]["Tenant"]["Properties"])
    accepted = {field.alias for field in TenantProperties.model_fields.values()}
    assert properties <= accepted and {"Name", "BaseCurrency", "Country", "Plan"} <= properties
    assert template["Parameters"]["Plan"]["AllowedValues"] == [plan.value for plan in Plan]
    outputs = {name: output["Value"] for name, output in template["Outputs"].items()}
    assert outputs == {"TenantId": {"!GetAtt": "Tenant.TenantId"},
                       "AdminKeySecretArn": {"!GetAtt": "Tenant.AdminKeySecretArn"}}
    # The sample events carry the same properties
    for name in ("create", "update", "delete"):
        assert set(load_event(f"cloudformation/{name}.json")["ResourceProperties"]) == properties | {"ServiceToken"}
