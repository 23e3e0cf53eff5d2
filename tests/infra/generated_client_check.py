"""Drives a running WindFlow with a client generated from openapi/windflow.json by
openapi-python-client (issue 12): first-run setup, log in, create an organization, list it.
Usage: generated_client_check.py <base url> <setup token>. Exit 1 on any failure."""
import sys

from wind_flow_api_client import AuthenticatedClient, Client
from wind_flow_api_client.api.auth import login, setup
from wind_flow_api_client.api.organizations import organizations_create, organizations_list
from wind_flow_api_client.models import (
    CreateOrganization,
    LoginRequest,
    Organization,
    SetupRequest,
    TokenResponse,
)

base, token = sys.argv[1], sys.argv[2]
public = Client(base_url=base, raise_on_unexpected_status=True)
password = "generated client password"
created = setup.sync(client=public, body=SetupRequest(
    token=token, username="genadmin", email="gen@example.org", password=password))
assert isinstance(created, TokenResponse), created
tokens = login.sync(client=public, body=LoginRequest(login="genadmin", password=password))
assert isinstance(tokens, TokenResponse), tokens
api = AuthenticatedClient(base_url=base, token=tokens.access_token, raise_on_unexpected_status=True)
org = organizations_create.sync(client=api, body=CreateOrganization(name="Generated Client Org"))
assert isinstance(org, Organization), org
page = organizations_list.sync(client=api, limit=50)
names = [o.name for o in page.items]
assert "Generated Client Org" in names, names
print(f"generated client: setup, login, create and list organizations OK ({names})")
