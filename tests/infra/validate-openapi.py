"""Validates the committed OpenAPI document with a standard OpenAPI 3.1 validator
(openapi-spec-validator), and checks that operationIds are unique. Exit 1 on any error."""
import collections
import sys

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

doc, _ = read_from_filename(sys.argv[1] if len(sys.argv) > 1 else "openapi/windflow.json")
validate(doc)
ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()
       if isinstance(op, dict) and "operationId" in op]
dups = [i for i, n in collections.Counter(ids).items() if n > 1]
if dups:
    sys.exit(f"duplicate operationIds: {dups}")
print(f"openapi: valid OpenAPI {doc['openapi']}, {len(doc['paths'])} paths, {len(ids)} operations")
