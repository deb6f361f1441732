// SPDX-License-Identifier: Apache-2.0
using Safeguard.Accounts;
using Safeguard.Tests.Cases;

namespace Safeguard.Tests.Accounts;

public sealed class SignInServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly ManualTime _time = new(Start);
    private readonly InMemoryUserStore _users = new();
    private readonly SignInService _signIn;

    public SignInServiceTests()
    {
        _signIn = new SignInService(_users, new PlainHasher(), new LockoutPolicy(3, TimeSpan.FromMinutes(10)), _time);
        _users.AddAsync(new UserAccount("alice", ConsoleRoles.Reviewer, "plain:right", 0, null, 3, null, false, Start)).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task SignIn_RightPassword_Succeeds()
    {
        var (result, user) = await _signIn.SignInAsync("alice", "right");
        Assert.Equal(SignInResult.Success, result);
        Assert.Equal("alice", user!.Name);
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_LockOutEvenTheRightPassword()
    {
        Assert.Equal(SignInResult.Failed, (await _signIn.SignInAsync("alice", "wrong")).Result);
        Assert.Equal(SignInResult.Failed, (await _signIn.SignInAsync("alice", "wrong")).Result);
        Assert.Equal(SignInResult.LockedOut, (await _signIn.SignInAsync("alice", "wrong")).Result);
        Assert.Equal(SignInResult.LockedOut, (await _signIn.SignInAsync("alice", "right")).Result);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(SignInResult.Success, (await _signIn.SignInAsync("alice", "right")).Result);
    }

    [Fact]
    public async Task SignIn_SuccessResetsTheFailureCount()
    {
        await _signIn.SignInAsync("alice", "wrong");
        await _signIn.SignInAsync("alice", "wrong");
        await _signIn.SignInAsync("alice", "right");
        Assert.Equal(0, (await _users.FindAsync("alice"))!.FailedSignIns);
        Assert.Equal(SignInResult.Failed, (await _signIn.SignInAsync("alice", "wrong")).Result);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("Not Valid!")]
    [InlineData("")]
    public async Task SignIn_UnknownOrInvalidName_Fails(string name) =>
        Assert.Equal(SignInResult.Failed, (await _signIn.SignInAsync(name, "right")).Result);

    [Fact]
    public void Roles_ParseAndFormat()
    {
        Assert.True(RoleNames.TryParse("reviewer, child-safety-reviewer", out var roles, out _));
        Assert.Equal(ConsoleRoles.Reviewer | ConsoleRoles.ChildSafetyReviewer, roles);
        Assert.Equal("reviewer,child-safety-reviewer", RoleNames.Format(roles));
        Assert.True(RoleNames.TryParse("reporter", out var reporter, out _));
        Assert.True(RoleNames.CanReport(reporter) && RoleNames.CanReport(ConsoleRoles.Admin) && !RoleNames.CanReport(ConsoleRoles.Reviewer | ConsoleRoles.Auditor));
        Assert.False(RoleNames.CanReview(reporter));
        Assert.False(RoleNames.TryParse("reviewer,boss", out _, out var error));
        Assert.Equal("unknown role 'boss'; choose from admin, curator, reviewer, child-safety-reviewer, auditor, reporter", error);
    }

    private sealed class PlainHasher : IPasswordHasher
    {
        public string Hash(string password) => "plain:" + password;

        public bool Verify(string password, string encoded) => encoded == "plain:" + password;
    }
}
