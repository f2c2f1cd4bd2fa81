using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Balance;

public sealed record BalanceDto(long UserId, long Balance);

public sealed record ChargeRequest(long? Amount);

public sealed class ChargeBalance(BookingDbContext db)
{
    public Task<BalanceDto> ExecuteAsync(long userId, long amount, CancellationToken cancellationToken)
    {
        User.ValidateCharge(amount);
        return db.InTransactionAsync(
            async ct =>
            {
                // An atomic increment, so a charge never overwrites a concurrent payment's debit.
                var updated = await db.Users.Where(u => u.Id == userId)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.Balance, x => x.Balance + amount), ct);
                if (updated == 0)
                {
                    throw BookingErrors.NotFound("User", userId);
                }

                var balance = await db.Users.Where(u => u.Id == userId).Select(u => u.Balance).FirstAsync(ct);
                return new BalanceDto(userId, balance);
            },
            cancellationToken);
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
