using System.Net;
using System.Net.Http.Json;

namespace ConcertBooking.Api.Tests.Support;

public sealed record QueueTicketBody(
    long ConcertId,
    string Status,
    long? Position,
    long? Ahead,
    long? EstimatedWaitSeconds,
    DateTimeOffset? AdmittedUntil,
    DateTimeOffset JoinedAt,
    DateTimeOffset BookingOpensAt);

public static class QueueCalls
{
    public static async Task<QueueTicketBody> JoinQueueAsync(this Fan fan, long concertId) =>
        await (await fan.Http.PostAsync($"/api/concerts/{concertId}/queue", null)).ReadAsync<QueueTicketBody>();

    public static async Task<QueueTicketBody> QueueStatusAsync(this Fan fan, long concertId) =>
        await (await fan.Http.GetAsync($"/api/concerts/{concertId}/queue/me")).ReadAsync<QueueTicketBody>(HttpStatusCode.OK);

    public static Task<HttpResponseMessage> QueueStatusResponseAsync(this Fan fan, long concertId) =>
        fan.Http.GetAsync($"/api/concerts/{concertId}/queue/me");
}

public static class FanClients
{
    /// <summary>A client of another API (a second process) that sends <paramref name="fan"/>'s bearer token.</summary>
    public static HttpClient WithToken(this HttpClient client, Fan fan)
    {
        client.DefaultRequestHeaders.Authorization = fan.Http.DefaultRequestHeaders.Authorization;
        return client;
    }
}
