"""Issue 12: prepares a fresh `windflow serve` for the property-based API tester.

Runs first-time setup with the one-time token, logs the admin in, creates an organization and a
project in it, and prints shell assignments for the fuzzer: the admin's bearer token and the ids
that deep routes need. Standard library only.

Usage: api_fuzz_setup.py BASE_URL SETUP_TOKEN
"""
import json
import sys
import urllib.request

base, setup_token = sys.argv[1].rstrip("/") + "/api/v1", sys.argv[2]


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as res:
        raw = res.read()
        return json.loads(raw) if raw else None


password = "fuzz-admin-password-1"
call("POST", "/setup", {"token": setup_token, "username": "fuzzadmin",
                        "email": "fuzz@example.com", "password": password})
token = call("POST", "/auth/login", {"login": "fuzzadmin", "password": password})["access_token"]
org = call("POST", "/organizations", {"name": "Fuzz org"}, token)["id"]
project = call("POST", f"/organizations/{org}/projects", {"name": "Fuzz project"}, token)["id"]
envs = call("GET", f"/projects/{project}/environments", token=token)["items"]
env = envs[0]["id"] if envs else call(
    "POST", f"/projects/{project}/environments", {"name": "dev", "type": "development"}, token)["id"]
print(f"WF_FUZZ_TOKEN={token}")
print(f"WF_FUZZ_ORG={org}")
print(f"WF_FUZZ_PROJECT={project}")
print(f"WF_FUZZ_ENV={env}")
