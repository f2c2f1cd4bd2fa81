using System.Collections.Concurrent;
using System.Globalization;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Auth;

/// <summary>
/// A validly signed token is not enough: its <c>sub</c> must be a user of this database (a token may outlive a
/// database reset, come from another deployment sharing the key, or from an identity provider that knows people we
/// do not). Users are never deleted, so a user once found stays found: each id costs one indexed lookup per process,
/// and the hot path afterwards is a dictionary read. Ids not found are not remembered, so a user created after a
/// miss is found on the next request. Memory is one entry per user who has called this process.
/// </summary>
public sealed class KnownUsers
{
    private readonly ConcurrentDictionary<long, byte> _found = new();

    public async ValueTask<bool> ExistsAsync(long userId, BookingDbContext db, CancellationToken cancellationToken)
    {
        if (_found.ContainsKey(userId))
        {
            return true;
        }

        if (!await db.Users.AsNoTracking().AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return false;
        }

        _found.TryAdd(userId, 0);
        return true;
    }
}

/// <summary>Turns a token of no known user into a 401, on every endpoint that authenticates.</summary>
internal sealed class KnownUserEvents(KnownUsers users) : JwtBearerEvents
{
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var subject = context.Principal?.FindFirst("sub")?.Value;
        if (!long.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) || userId <= 0)
        {
            context.Fail("The token's 'sub' is not a user id.");
            return;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<BookingDbContext>();
        if (!await users.ExistsAsync(userId, db, context.HttpContext.RequestAborted))
        {
            context.Fail("The token's user does not exist.");
        }
    }
}
