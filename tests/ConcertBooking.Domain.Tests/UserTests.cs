using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Users;

namespace ConcertBooking.Domain.Tests;

public sealed class UserTests
{
    [Fact]
    public void A_new_user_has_a_normalized_email_a_trimmed_name_and_no_points()
    {
        var user = new User("  Minji.Kim@Example.COM ", " Minji Kim ", Given.Start);

        Assert.Equal("minji.kim@example.com", user.Email);
        Assert.Equal("Minji Kim", user.Name);
        Assert.Equal(0, user.Balance);
        Assert.Equal(Given.Start, user.CreatedAt);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(45_000L)]
    [InlineData(User.MaxCharge)]
    public void ValidateCharge_accepts_amounts_from_one_to_the_maximum(long amount) => User.ValidateCharge(amount);

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(User.MaxCharge + 1)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void ValidateCharge_refuses_amounts_outside_the_range(long amount)
    {
        var error = Assert.Throws<BookingException>(() => User.ValidateCharge(amount)).Error;

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("validation", error.Type);
    }
}
