using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Bench.Booking;

namespace ConcertBooking.Bench.Drop;

/// <summary>What all fans of a drop observed, shared by their tasks.</summary>
public sealed class DropTally
{
    public ConcurrentQueue<double> StatusMs { get; } = new();

    public ConcurrentQueue<double> HoldMs { get; } = new();

    public long Joined;
    public long Admitted;
    public long Holds;
    public long Payments;
    public long Cancels;
    public long Closed;
    public long GaveUp;
    public long Errors;
}

/// <summary>
/// One fan of the drop: joins the waiting room, polls the place as <c>Retry-After</c> says, and once admitted holds
/// 1–4 random seats (retrying taken ones), charges the balance, pays each hold with 90 % probability and cancels the
/// rest.
/// </summary>
public sealed class DropFan(HttpClient http, string accessToken, long concertId, long[] seatIds, DropTally tally, int seed)
{
    private const int MaxSeatTries = 12;
    private const int RandomTries = 3;
    private readonly AuthenticationHeaderValue _authorization = new("Bearer", accessToken);
    private readonly Random _random = new(seed);

    /// <summary>False when the fan could not join (the queue closed at sell-out, or an error).</summary>
    public bool Joined { get; private set; }

    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/concerts/{concertId}/queue", null, cancellationToken);
        Joined = response.IsSuccessStatusCode;
        if (Joined)
        {
            Interlocked.Increment(ref tally.Joined);
        }
        else if ((await response.Content.ReadAsStringAsync(cancellationToken)).Contains("queue-closed", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref tally.Closed);
        }
        else
        {
            Interlocked.Increment(ref tally.Errors);
        }
    }

    public async Task WaitAndShopAsync(CancellationToken cancellationToken)
    {
        while (Joined && !cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await SendAsync(HttpMethod.Get, $"/api/concerts/{concertId}/queue/me", null, cancellationToken);
            tally.StatusMs.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref tally.Errors);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }

            var status = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("status").GetString();
            switch (status)
            {
                case "ADMITTED":
                    Interlocked.Increment(ref tally.Admitted);
                    await ShopAsync(cancellationToken);
                    return;
                case "CLOSED":
                    Interlocked.Increment(ref tally.Closed);
                    return;
                case "EXPIRED":
                    return;
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    private async Task ShopAsync(CancellationToken cancellationToken)
    {
        var wanted = _random.Next(1, 5);
        var holds = new List<(long Id, long Amount)>();
        var candidates = seatIds;
        for (var tries = 0; holds.Count < wanted && tries < MaxSeatTries; tries++)
        {
            if (tries == RandomTries)
            {
                // Like a fan looking at the seat map once the first picks were taken: choose among the free seats.
                candidates = await AvailableSeatsAsync(cancellationToken);
                if (candidates.Length == 0)
                {
                    break;
                }
            }

            var seatId = candidates[_random.Next(candidates.Length)];
            var started = Stopwatch.GetTimestamp();
            using var response = await SendAsync(HttpMethod.Post, "/api/reservations", new { concertId, seatId }, cancellationToken);
            tally.HoldMs.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                holds.Add((body.GetProperty("id").GetInt64(), body.GetProperty("amount").GetInt64()));
                Interlocked.Increment(ref tally.Holds);
                continue;
            }

            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!problem.Contains("seat-unavailable", StringComparison.Ordinal))
            {
                // Sold out or the turn ended: nothing more to try. The ticket limit cannot be met by 1–4 holds.
                if (problem.Contains("ticket-limit-reached", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref tally.Errors);
                }

                break;
            }
        }

        if (holds.Count == 0)
        {
            // Leaving ends the turn at once; otherwise the place would stay taken until the admission window ends.
            Interlocked.Increment(ref tally.GaveUp);
            using var leave = await SendAsync(HttpMethod.Delete, $"/api/concerts/{concertId}/queue/me", null, cancellationToken);
            return;
        }

        using (var charge = await SendAsync(HttpMethod.Post, "/api/me/balance/charge", new { amount = holds.Sum(h => h.Amount) }, cancellationToken))
        {
            charge.EnsureSuccessStatusCode();
        }

        foreach (var (id, _) in holds)
        {
            var pay = _random.NextDouble() < 0.9;
            using var response = pay
                ? await SendAsync(HttpMethod.Post, $"/api/reservations/{id}/payment", new { method = "POINTS" }, cancellationToken)
                : await SendAsync(HttpMethod.Delete, $"/api/reservations/{id}", null, cancellationToken);
            Interlocked.Increment(ref !response.IsSuccessStatusCode ? ref tally.Errors : ref pay ? ref tally.Payments : ref tally.Cancels);
        }
    }

    private async Task<long[]> AvailableSeatsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/concerts/{concertId}/seats?status=AVAILABLE", null, cancellationToken);
        var seats = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return [.. seats.EnumerateArray().Select(s => s.GetProperty("id").GetInt64())];
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = _authorization;
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: BookingApiClient.Json);
        }

        return http.SendAsync(request, cancellationToken);
    }

    public static string Format(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
