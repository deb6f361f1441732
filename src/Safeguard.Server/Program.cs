// SPDX-License-Identifier: Apache-2.0
using Safeguard.Server;

// The whole server is composed in SafeguardServer, which `safeguard serve` and the tests reuse.
await using var app = SafeguardServer.Build(args);
await app.RunAsync().ConfigureAwait(false);
