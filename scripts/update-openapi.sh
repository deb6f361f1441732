#!/usr/bin/env bash
# Regenerates docs/openapi/v1.json from the running code: runs the OpenAPI test, which writes the
# served document next to the test binary, and copies it into docs/. Review the diff before committing.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build tests/Safeguard.Server.Tests -c Release --nologo -v quiet -clp:ErrorsOnly || exit 2
dotnet test --project tests/Safeguard.Server.Tests -c Release --no-build -- --filter-class '*OpenApiDocumentTests' >/dev/null 2>&1 || true
cp tests/Safeguard.Server.Tests/bin/Release/net10.0/openapi-v1.served.json docs/openapi/v1.json
git --no-pager diff --stat -- docs/openapi/v1.json
