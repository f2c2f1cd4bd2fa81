using System.Net.Http.Headers;
using System.Net.Http.Json;
using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>
/// The real API in process, on a database of its own, with a clock the test drives. The background hold sweeper is
/// left out: tests run the sweep themselves, so "expired but not yet swept" is a state they can observe.
/// </summary>
public sealed class BookingApi : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.com";

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private bool _ownsDatabase = true;

    private BookingApi(TestDatabase database, IReadOnlyDictionary<string, string?>? settings)
    {
        _database = database;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    /// <summary>A second API on this one's database (another process of a deployment, or this one restarted), at the
    /// same clock time. It takes over the database: disposing this API no longer drops it, disposing the sibling does.</summary>
    public BookingApi Sibling()
    {
        var sibling = new BookingApi(_database, _settings);
        sibling.Clock.AdjustTime(Clock.GetUtcNow());
        sibling.StartServer();
        _ownsDatabase = false;
        return sibling;
    }

    /// <summary>Starts at the current whole second, so the times tests compare are easy to read (sub-microsecond
    /// times are covered by a test of their own).</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <param name="separateServiceDatabases">Gives each downstream service a database of its own.</param>
    /// <param name="settings">Configuration on top of the test database's and the test defaults.</param>
    public static async Task<BookingApi> StartAsync(
        DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, bool separateServiceDatabases = false)
    {
        var database = await TestDatabase.CreateAsync(provider, separateServiceDatabases);
        var api = new BookingApi(database, settings);
        try
        {
            api.StartServer();
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(_database.Settings)
        {
            ["Booking:DemoData"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",

            // Lost races (a seat held a moment earlier) surface as failed commands that the API turns into 409s;
            // logging each one as an error would bury real failures, which the tests see as 500s anyway.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "None",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Update"] = "None",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.Remove(services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(HoldSweeper)));
            services.Remove(services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(QueueAdmitter)));

            // Tokens are issued on the injected clock, but the JWT handler checks their lifetime against the system
            // clock; once a test has advanced time past the allowed skew, new tokens would not be valid yet.
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
                jwt.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
                {
                    var now = Clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now + parameters.ClockSkew)
                        && (expires is null || now - parameters.ClockSkew < expires);
                });
        });
    }

    public HttpClient Anonymous() => CreateClient();

    public async Task<Fan> SignInAsync(string? email = null, string name = "Test Fan")
    {
        var response = await Anonymous().PostAsJsonAsync("/api/auth/token", new { email = email ?? $"fan-{Guid.NewGuid():N}@example.com", name });
        var token = await response.ReadAsync<TokenBody>();
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return new Fan(token.UserId, token.Roles, client);
    }

    public Task<Fan> AdminAsync() => SignInAsync(AdminEmail, "Box Office");

    /// <summary>Creates a concert through the admin API; it is on sale unless <paramref name="bookingOpensIn"/> says otherwise.</summary>
    public async Task<ConcertBody> CreateConcertAsync(
        int seats, long price = 45_000, TimeSpan? bookingOpensIn = null, int? maxTicketsPerFan = null, object? queue = null)
    {
        var admin = await AdminAsync();
        var now = Clock.GetUtcNow();
        var response = await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Jazz Night at Club Evans",
            venue = "Club Evans, Hongdae",
            startsAt = now.AddDays(30),
            bookingOpensAt = now + (bookingOpensIn ?? TimeSpan.Zero),
            sections = new[] { new { name = "Floor", rows = 1, seatsPerRow = seats, price } },
            maxTicketsPerFan,
            queue,
        });
        return await response.ReadAsync<ConcertBody>(System.Net.HttpStatusCode.Created);
    }

    public async Task<List<SeatBody>> SeatsAsync(long concertId, string? status = null)
    {
        var query = status is null ? string.Empty : $"?status={status}";
        return await (await Anonymous().GetAsync($"/api/concerts/{concertId}/seats{query}")).ReadAsync<List<SeatBody>>();
    }

    public async Task<ConcertBody> ConcertAsync(long concertId) =>
        await (await Anonymous().GetAsync($"/api/concerts/{concertId}")).ReadAsync<ConcertBody>();

    /// <summary>Reads the database directly, past the API.</summary>
    public async Task<T> QueryAsync<T>(Func<BookingDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<BookingDbContext>());
    }

    /// <summary>One admission pass of the waiting rooms, as the background service would run it.</summary>
    public async Task<int> AdmitAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AdmitFans>().ExecuteAsync(CancellationToken.None);
    }

    /// <summary>One pass of the hold sweeper, as the background service would run it.</summary>
    public async Task<int> SweepAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExpireLapsedHolds>().ExecuteAsync(CancellationToken.None);
    }
}
