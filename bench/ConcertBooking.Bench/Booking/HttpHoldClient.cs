using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Booking;

/// <summary>One fan holding seats through <c>POST /api/reservations</c> with their own bearer token.</summary>
public sealed class HttpHoldClient(HttpClient http, string accessToken, long concertId) : IHoldClient
{
    private static readonly Uri Reservations = new("/api/reservations", UriKind.Relative);
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly AuthenticationHeaderValue _authorization = new("Bearer", accessToken);

    public async ValueTask<Attempt> HoldAsync(long seatId, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"concertId":{{concertId}},"seatId":{{seatId}}}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, Reservations)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonMediaType } },
        };
        request.Headers.Authorization = _authorization;
        try
        {
            // The default completion option reads the whole body, so the latency covers the full response.
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.Created => Attempt.Held,
                HttpStatusCode.Conflict when (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("seat-unavailable", StringComparison.Ordinal)
                    => Attempt.Conflict,
                var status => Attempt.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}")),
            };
        }
        catch (HttpRequestException ex)
        {
            return Attempt.Failed($"HTTP request failed ({ex.HttpRequestError})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.Failed("HTTP timeout");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
