using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Balance;

public sealed record BalanceDto(long UserId, long Balance);

public sealed record ChargeRequest(long? Amount);

/// <summary>Adds points to the caller's balance, inside the caller's write transaction on the context it is given.</summary>
public static class ChargeBalance
{
    public static async Task<BalanceDto> ChargeAsync(BookingDbContext db, long userId, long amount, CancellationToken ct)
    {
        User.ValidateCharge(amount);
        // An atomic increment, so a charge never overwrites a concurrent payment's debit.
        var updated = await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Balance, x => x.Balance + amount), ct);
        if (updated == 0)
        {
            throw BookingErrors.NotFound("User", userId);
        }

        var balance = await db.Users.Where(u => u.Id == userId).Select(u => u.Balance).FirstAsync(ct);
        return new BalanceDto(userId, balance);
    }
}

public sealed class BalanceQueries(BookingDbContext db)
{
    public async Task<BalanceDto> GetAsync(long userId, CancellationToken cancellationToken)
    {
        var balance = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (long?)u.Balance)
            .FirstOrDefaultAsync(cancellationToken) ?? throw BookingErrors.NotFound("User", userId);
        return new BalanceDto(userId, balance);
    }
}
