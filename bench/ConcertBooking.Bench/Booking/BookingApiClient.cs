using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Api;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Api.Features.Concerts;

namespace ConcertBooking.Bench.Booking;

/// <summary>The setup calls of the benchmark (sign-ins, concert creation, seat listing), through the public HTTP API
/// and with the API's own request and response records.</summary>
public sealed class BookingApiClient(HttpClient http)
{
    public const string AdminEmail = "admin@example.com";

    /// <summary>Seats per row when laying out a concert of N seats: rows of 100, plus one shorter row for the rest.</summary>
    private const int SeatsPerRow = 100;

    public static JsonSerializerOptions Json { get; } = CreateJsonOptions();

    public async Task<TokenResponse> SignInAsync(string email, string name, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/token", new TokenRequest(email, name), Json, cancellationToken);
        return await ReadAsync<TokenResponse>(response, "sign in", cancellationToken);
    }

    /// <summary>Creates a concert on sale since an hour ago with exactly <paramref name="seats"/> seats.</summary>
    /// <summary>Creates an on-sale concert whose ticket limit is the whole hall: each benchmark client is one fan holding
    /// seat after seat, and the limit's check still runs on every hold.</summary>
    public async Task<ConcertDto> CreateConcertAsync(string adminToken, string name, int seats, CancellationToken cancellationToken)
    {
        List<SectionRequest> sections = [new("Floor", seats / SeatsPerRow, SeatsPerRow, 99_000)];
        if (seats % SeatsPerRow != 0)
        {
            sections.Add(new("Balcony", 1, seats % SeatsPerRow, 55_000));
        }

        sections.RemoveAll(s => s.Rows == 0);
        var now = DateTimeOffset.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/concerts")
        {
            Content = JsonContent.Create(new CreateConcertRequest(name, "Benchmark Arena", now.AddDays(30), now, sections,
                MaxTicketsPerFan: seats), options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<ConcertDto>(response, "create the concert", cancellationToken);
    }

    public async Task<long[]> SeatIdsAsync(long concertId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/concerts/{concertId}/seats"), UriKind.Relative), cancellationToken);
        var seats = await ReadAsync<List<SeatDto>>(response, "list the seats", cancellationToken);
        return [.. seats.Select(s => s.Id)];
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Could not {what}: {(int)response.StatusCode} {body}");
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new HttpRequestException($"Could not {what}: empty response.");
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiExtensions.ConfigureJson(json);
        return json;
    }
}
