using System.Net.Http.Json;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>A signed-in caller: its id, roles and an HttpClient that sends its bearer token.</summary>
public sealed record Fan(long UserId, string[] Roles, HttpClient Http)
{
    public Task<HttpResponseMessage> HoldAsync(long concertId, long seatId, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, "/api/reservations", new { concertId, seatId }, idempotencyKey);

    public Task<HttpResponseMessage> PayAsync(long reservationId, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, $"/api/reservations/{reservationId}/payment", new { method = "POINTS" }, idempotencyKey);

    public Task<HttpResponseMessage> ChargeAsync(long amount, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, "/api/me/balance/charge", new { amount }, idempotencyKey);

    public Task<HttpResponseMessage> CancelAsync(long reservationId) => Http.DeleteAsync($"/api/reservations/{reservationId}");

    public Task<HttpResponseMessage> ReservationAsync(long reservationId) => Http.GetAsync($"/api/reservations/{reservationId}");

    public async Task<ReservationBody> HeldAsync(long concertId, long seatId) =>
        await (await HoldAsync(concertId, seatId)).ReadAsync<ReservationBody>(System.Net.HttpStatusCode.Created);

    public async Task<PaymentBody> PaidAsync(long reservationId) => await (await PayAsync(reservationId)).ReadAsync<PaymentBody>();

    public async Task<long> BalanceAsync() => (await (await Http.GetAsync("/api/me/balance")).ReadAsync<BalanceBody>()).Balance;

    public async Task ChargedAsync(long amount) => await (await ChargeAsync(amount)).ReadAsync<BalanceBody>();

    public async Task<List<ReservationBody>> MyReservationsAsync() =>
        await (await Http.GetAsync("/api/me/reservations")).ReadAsync<List<ReservationBody>>();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return Http.SendAsync(request);
    }
}
