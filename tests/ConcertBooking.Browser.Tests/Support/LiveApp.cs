using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Browser.Tests.Support;

/// <summary>
/// The whole application on real Kestrel at a free loopback port, so a browser can reach it: SQLite in a temp
/// directory, the embedded Kafka cluster, the relay and all consumer groups. <paramref name="settings"/> override
/// configuration (e.g. a short <c>Booking:HoldDuration</c>).
/// </summary>
public sealed class LiveApp : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("concertbooking-browser-").FullName;
    private readonly Dictionary<string, string> _settings;

    public LiveApp(IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = new Dictionary<string, string>
        {
            ["Database:DataDirectory"] = _dataDirectory,
            ["Booking:DemoData"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",

            // The mock cluster holds empty fetches for the full wait and delays rejoins by the session timeout.
            ["Kafka:Consumer:FetchWaitMaxMs"] = "10",
            ["Kafka:Consumer:SessionTimeoutMs"] = "6000",
            ["Kafka:Consumer:HeartbeatIntervalMs"] = "500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }

        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseAddress { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public LiveApp Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient Http() => new() { BaseAddress = BaseAddress };

    /// <summary>A client signed in through the demo token endpoint, as the pages do.</summary>
    public async Task<HttpClient> SignInAsync(string email, string name = "Test Fan")
    {
        var client = Http();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, name });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates an on-sale concert of one section through the admin API; returns its id and seat ids.</summary>
    /// <param name="queue">The concert's waiting room (<c>{enabled, opensAt, admissionWindow, maxActiveShoppers}</c>), if any.</param>
    public async Task<(long Id, long[] Seats)> CreateConcertAsync(string name, int seats, long price = 45_000, string section = "Floor", object? queue = null)
    {
        var admin = await SignInAsync("admin@example.com", "Box Office");
        var now = DateTimeOffset.UtcNow;
        var created = await admin.PostAsJsonAsync("/api/admin/concerts", new
        {
            name,
            venue = "Club Evans, Hongdae",
            startsAt = now.AddDays(7),
            bookingOpensAt = now,
            sections = new[] { new { name = section, rows = 1, seatsPerRow = seats, price } },
            queue,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var list = await Http().GetFromJsonAsync<JsonElement>($"/api/concerts/{id}/seats");
        return (id, list.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToArray());
    }

    /// <summary>Charges, holds and pays for one seat through the API.</summary>
    public static async Task BuyAsync(HttpClient fan, long concertId, long seatId)
    {
        (await fan.PostAsJsonAsync("/api/me/balance/charge", new { amount = 1_000_000 })).EnsureSuccessStatusCode();
        var held = await fan.PostAsJsonAsync("/api/reservations", new { concertId, seatId });
        held.EnsureSuccessStatusCode();
        var id = (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await fan.PostAsJsonAsync($"/api/reservations/{id}/payment", new { method = "POINTS" })).EnsureSuccessStatusCode();
    }

    public static async Task<JsonElement[]> ReservationsAsync(HttpClient fan) =>
        (await fan.GetFromJsonAsync<JsonElement>("/api/me/reservations")).EnumerateArray().ToArray();

    /// <summary>Reads <paramref name="path"/> as JSON until <paramref name="done"/> holds (at most a minute).</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var read = await client.GetFromJsonAsync<JsonElement>(path, timeout.Token);
            if (done(read))
            {
                return read;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may hold the file a moment longer; a temp directory left behind is harmless.
            }
        }
    }
}
