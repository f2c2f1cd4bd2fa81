using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Users;

namespace ConcertBooking.Domain.Tests;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("admin@example.com", "admin@example.com")]
    [InlineData("ADMIN@EXAMPLE.COM", "admin@example.com")]
    [InlineData(" admin@example.com ", "admin@example.com")]
    [InlineData("admin@example.com\n", "admin@example.com")]
    [InlineData("\uFF41\uFF44\uFF4D\uFF49\uFF4E@example.com", "admin@example.com")] // full-width letters fold under NFKC
    [InlineData("minji.kim+tickets@sub.example.co.kr", "minji.kim+tickets@sub.example.co.kr")]
    [InlineData("fan@xn--9n2bp8q.xn--3e0b707e", "fan@xn--9n2bp8q.xn--3e0b707e")]
    public void An_address_is_trimmed_folded_and_lower_cased(string input, string expected) =>
        Assert.Equal(expected, EmailAddress.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("@")]
    [InlineData("admin")]
    [InlineData("admin@")]
    [InlineData("@example.com")]
    [InlineData("admin@example")]
    [InlineData("a@b@example.com")]
    [InlineData("admin\u200B@example.com")] // zero-width space
    [InlineData("ad\u200Dmin@example.com")] // zero-width joiner
    [InlineData("admin@example.com\0")]
    [InlineData("ad\0min@example.com")]
    [InlineData("\u0430dmin@example.com")] // Cyrillic a
    [InlineData("admin@ex\u0430mple.com")] // Cyrillic a in the domain
    [InlineData("admin@\uD800example.com")] // lone surrogate
    [InlineData("ad min@example.com")]
    [InlineData(".admin@example.com")]
    [InlineData("ad..min@example.com")]
    [InlineData("admin@-example.com")]
    [InlineData("admin@example..com")]
    [InlineData("admin@example.c0m1")]
    [InlineData("a\"b@example.com")]
    public void A_malformed_or_lookalike_address_is_a_validation_error(string input)
    {
        var error = Assert.Throws<BookingException>(() => EmailAddress.Normalize(input)).Error;

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.False(EmailAddress.TryNormalize(input, out _, out var reason));
        Assert.StartsWith("email", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_address_is_refused()
    {
        Assert.True(EmailAddress.TryNormalize(new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 57) + ".com", out _, out _));
        Assert.False(EmailAddress.TryNormalize(new string('a', 65) + "@example.com", out _, out _));
        Assert.False(EmailAddress.TryNormalize(new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 63) + ".com", out _, out var reason));
        Assert.Equal("email must be at most 254 characters.", reason);
    }
}
