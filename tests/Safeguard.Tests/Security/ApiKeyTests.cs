// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Safeguard.Security;

namespace Safeguard.Tests.Security;

public class ApiKeyTests
{
    [Fact]
    public void Tokens_AreRandom_WellFormed_AndStoredAsSha256()
    {
        var a = ApiKeyTokens.Create();
        var b = ApiKeyTokens.Create();
        Assert.NotEqual(a, b);
        Assert.True(ApiKeyTokens.LooksValid(a));
        Assert.Equal(47, a.Length);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(a)), ApiKeyTokens.Hash(a));
        Assert.False(ApiKeyTokens.LooksValid("sgk_short"));
        Assert.False(ApiKeyTokens.LooksValid("xyz_" + a[4..]));
        Assert.False(ApiKeyTokens.LooksValid(a[..^1] + "!"));
    }

    [Fact]
    public void Scopes_ParseAndPrint_AdminAllowsEverything()
    {
        Assert.True(ApiScopeNames.TryParse("Check, curate", out var scopes, out _));
        Assert.Equal(ApiScopes.Check | ApiScopes.Curate, scopes);
        Assert.Equal("check,curate", scopes.ToText());
        Assert.False(ApiScopeNames.TryParse("check,root", out _, out var error));
        Assert.Contains("root", error, StringComparison.Ordinal);
        Assert.False(ApiScopeNames.TryParse("", out _, out _));
        Assert.True(ApiScopes.Admin.Allows(ApiScopes.Review));
        Assert.False(ApiScopes.Check.Allows(ApiScopes.Curate));
        // Stored as text: the names are a persisted format.
        Assert.Equal(["check", "curate", "review", "report", "admin", "audit"], ApiScopeNames.Names);
    }
}
