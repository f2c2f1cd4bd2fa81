using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Api.Tests;

/// <summary>
/// A unique index doing its job (a seat or a place taken a moment earlier) is an outcome the caller turns into a 409;
/// Entity Framework must not log each one as an error, with a stack, at the default log levels.
/// </summary>
public abstract class ExpectedConflictLogTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [ProviderFact]
    public async Task A_unique_violation_is_not_logged_as_an_error()
    {
        var logs = new CapturedLogs();
        await using var api = Api.WithWebHostBuilder(builder =>
        {
            // The test API silences these categories; here they log at the product's defaults.
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Update"] = "Warning",
            }));
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = DateTimeOffset.UtcNow;
        db.Users.Add(new User("twice@example.com", "First", now));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        db.Users.Add(new User("twice@example.com", "Second", now));
        var conflict = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.True(conflict.IsUniqueViolation());
        Assert.DoesNotContain(logs.Lines, l => l.Level >= LogLevel.Error);
    }
}

public sealed class SqliteExpectedConflictLogTests() : ExpectedConflictLogTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresExpectedConflictLogTests() : ExpectedConflictLogTests(DatabaseProvider.Postgres);
