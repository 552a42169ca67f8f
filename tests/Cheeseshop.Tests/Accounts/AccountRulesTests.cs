using Cheeseshop.Accounts;
using Cheeseshop.Core.Accounts;

namespace Cheeseshop.Tests.Accounts;

/// <summary>The pure rules behind the pages, checked directly (no server).</summary>
public sealed class AccountRulesTests
{
    private static readonly PasswordPolicy Policy = new(CommonPasswordList.Passwords);

    [Theory]
    [InlineData("", "Enter a password")]
    [InlineData("short", "too short")]
    [InlineData("password1", "breached")]
    [InlineData("Baseball1", "breached")]
    [InlineData("QWERTYUIOP", "breached")]
    public void Weak_passwords_are_refused_with_a_reason(string password, string reason) =>
        Assert.Contains(reason, Policy.Problem(password), StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Good_passwords_pass_and_the_username_is_not_a_password()
    {
        Assert.Null(Policy.Problem("correct horse battery staple"));
        Assert.Null(Policy.Problem("Zebra-Lamp-Quartz-91"));
        Assert.Contains("username", Policy.Problem("victoria-s", "Victoria-S"));
        Assert.Contains("too long", Policy.Problem(new string('x', PasswordPolicy.MaxLength + 1)));
    }

    // A password typed twice: the same text passes; anything else (case, a space, a missing one) is named.
    [Theory]
    [InlineData("correct horse", "correct horse", "passwords", null)]
    [InlineData(null, null, "passwords", null)]
    [InlineData("correct horse", "Correct horse", "passwords", "The two passwords are not the same. Type the same password in both fields.")]
    [InlineData("correct horse", "correct horse ", "new passwords", "The two new passwords are not the same. Type the same password in both fields.")]
    [InlineData("correct horse", null, "passwords", "The two passwords are not the same. Type the same password in both fields.")]
    public void Passwords_typed_twice(string? password, string? confirmation, string which, string? problem) =>
        Assert.Equal(problem, PasswordPolicy.ConfirmationProblem(password, confirmation, which));

    [Fact]
    public void The_shipped_list_is_the_zxcvbn_list_of_long_passwords() =>
        Assert.True(CommonPasswordList.Passwords.Count > 11_000 && CommonPasswordList.Passwords.All(p => p.Length >= 8));

    [Theory]
    [InlineData("0123456789abcdef", "0123456789abcdef")]
    [InlineData(" 0123-4567-89AB-CDEF ", "0123456789abcdef")]
    [InlineData("0123456789abcde", null)]
    [InlineData("0123456789abcdeg", null)]
    public void Recovery_codes_are_read_forgivingly(string input, string? normalized) =>
        Assert.Equal(normalized, RecoveryCodeRules.Normalize(input));

    [Fact]
    public void Recovery_codes_are_eight_distinct_random_codes()
    {
        var codes = RecoveryCodeRules.Generate();
        Assert.Equal(8, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Equal(c, RecoveryCodeRules.Normalize(c)));
    }

    [Theory]
    [InlineData("alice@example.org", null)]
    [InlineData("alice", "not a valid email")]
    [InlineData("alice@localhost", "not a valid email")]
    [InlineData("al ice@example.org", "spaces")]
    [InlineData("", "Enter an email")]
    public void Email_addresses(string email, string? problem)
    {
        var actual = AccountStore.EmailProblem(email);
        if (problem is null) Assert.Null(actual);
        else Assert.Contains(problem, actual);
    }
}
