using ConcertBooking.Domain.Common;

namespace ConcertBooking.Domain.Users;

public sealed class User : Entity
{
    public const long MaxCharge = 10_000_000;

    private User()
    {
        Email = null!;
        Name = null!;
    }

    public User(string email, string name, DateTimeOffset now)
    {
        Email = NormalizeEmail(email);
        Name = name.Trim();
        CreatedAt = now;
    }

    public string Email { get; private set; }

    public string Name { get; private set; }

    /// <summary>Points balance in KRW. Deductions happen as a conditional update in the database
    /// (see the payment use case), so concurrent payments can never take it below zero.</summary>
    public long Balance { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>See <see cref="EmailAddress"/>; throws a validation error for an address no account may have.</summary>
    public static string NormalizeEmail(string email) => EmailAddress.Normalize(email);

    public static void ValidateCharge(long amount)
    {
        if (amount is < 1 or > MaxCharge)
        {
            throw BookingErrors.Validation($"A charge must be between 1 and {MaxCharge:N0} KRW.");
        }
    }
}
